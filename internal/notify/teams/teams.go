// Package teams posts alerts to Microsoft Teams as an Adaptive Card, in
// the message envelope that both Workflows ("Post to a channel when a
// webhook request is received") and the retiring Office 365 connector
// incoming webhooks accept.
package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/post"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// Config configures one Teams webhook.
type Config struct {
	URL     secret.Secret `yaml:"url"`
	URLFile string        `yaml:"url_file"`
	Timeout time.Duration `yaml:"timeout"`
}

// Defaults fills unset fields.
func (c *Config) Defaults() {
	if c.Timeout == 0 {
		c.Timeout = post.DefaultTimeout
	}
}

// ResolveSecrets reads url_file.
func (c *Config) ResolveSecrets(read secret.ReadFileFunc) error {
	var err error
	c.URL, err = secret.Resolve("url", c.URL, c.URLFile, read)
	c.URLFile = ""
	return err
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	if err := post.ValidateURL("url", c.URL); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return errors.New("timeout must not be negative")
	}
	return nil
}

// Deps are the notifier's outside world.
type Deps struct {
	HTTP *http.Client
}

// Notifier posts to one Teams webhook.
type Notifier struct {
	cfg    Config
	client *post.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	hc := &http.Client{Timeout: cfg.Timeout}
	if deps.HTTP != nil {
		hc.Transport = deps.HTTP.Transport
	}
	return &Notifier{cfg: cfg, client: post.New(hc)}, nil
}

// Notify posts a.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	body, err := json.Marshal(NewMessage(a))
	if err != nil {
		return notify.Permanent(fmt.Errorf("teams: encode alert %s: %w", a.ID, err))
	}
	req := post.Request{URL: n.cfg.URL, Body: body}
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	// Workflows answer 202 with no body. Connector webhooks answer 200 "1",
	// and report throttling and other failures inside a 200 body
	// ("Webhook message delivery failed with error: Microsoft Teams
	// endpoint returned HTTP error 429 ...").
	got := strings.TrimSpace(string(resp.Body))
	if strings.Contains(strings.ToLower(got), "failed") || strings.Contains(got, "error") {
		retry := strings.Contains(got, "429") || strings.Contains(got, "HTTP error 5")
		return fmt.Errorf("teams: %w", post.Rejected(req, retry, resp))
	}
	return nil
}
