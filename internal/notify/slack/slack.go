// Package slack posts alerts to a Slack incoming webhook as Block Kit
// blocks, with a plain "text" fallback for notifications and clients that
// do not render blocks.
package slack

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

// Config configures one incoming webhook.
type Config struct {
	URL     secret.Secret `yaml:"url"`
	URLFile string        `yaml:"url_file"`
	// Channel, Username and IconEmoji override the webhook's defaults;
	// only legacy (non-app) webhooks honour them.
	Channel   string        `yaml:"channel"`
	Username  string        `yaml:"username"`
	IconEmoji string        `yaml:"icon_emoji"`
	Timeout   time.Duration `yaml:"timeout"`
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

// Notifier posts to one Slack webhook.
type Notifier struct {
	cfg    Config
	client *post.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	hc := &http.Client{Timeout: cfg.Timeout}
	if deps.HTTP != nil {
		hc.Transport = deps.HTTP.Transport
	}
	return &Notifier{cfg: cfg, client: post.New(hc)}, nil
}

// Notify posts a.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	m := NewMessage(a)
	m.Channel, m.Username, m.IconEmoji = n.cfg.Channel, n.cfg.Username, n.cfg.IconEmoji
	body, err := json.Marshal(m)
	if err != nil {
		return notify.Permanent(fmt.Errorf("slack: encode alert %s: %w", a.ID, err))
	}
	req := post.Request{URL: n.cfg.URL, Body: body}
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	// Incoming webhooks answer 200 "ok"; anything else in a 2xx means a
	// proxy in the way rather than Slack, which we cannot trust to deliver.
	if got := strings.TrimSpace(string(resp.Body)); got != "ok" && got != "" {
		return fmt.Errorf("slack: %w", post.Rejected(req, false, resp))
	}
	return nil
}
