// Package pagerduty sends alerts to the PagerDuty Events API v2. The alert
// ID is the dedup_key, so a redelivery by the outbox lands on the same
// PagerDuty alert instead of paging twice; alarm and audit alerts that
// return to OK resolve what their failing transition triggered.
package pagerduty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/post"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// DefaultURL is the Events API v2 base; EU accounts use
// https://events.eu.pagerduty.com.
const DefaultURL = "https://events.pagerduty.com"

// Config configures one PagerDuty integration (service).
type Config struct {
	RoutingKey     secret.Secret `yaml:"routing_key"`
	RoutingKeyFile string        `yaml:"routing_key_file"`
	// URL is the API base; the notifier posts to URL + "/v2/enqueue".
	URL string `yaml:"url"`
	// Source overrides payload.source (default: the account alias and ID).
	Source string `yaml:"source"`
	// ClientURL links PagerDuty's "View in rootwatch" to a dashboard.
	ClientURL string        `yaml:"client_url"`
	Timeout   time.Duration `yaml:"timeout"`
}

// Defaults fills unset fields.
func (c *Config) Defaults() {
	if c.URL == "" {
		c.URL = DefaultURL
	}
	if c.Timeout == 0 {
		c.Timeout = post.DefaultTimeout
	}
}

// ResolveSecrets reads routing_key_file.
func (c *Config) ResolveSecrets(read secret.ReadFileFunc) error {
	var err error
	c.RoutingKey, err = secret.Resolve("routing_key", c.RoutingKey, c.RoutingKeyFile, read)
	c.RoutingKeyFile = ""
	return err
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	k := c.RoutingKey.Reveal()
	if k == "" {
		return errors.New("routing_key is required")
	}
	// Integration keys are 32 characters; say so without echoing the key.
	if len(k) != 32 || strings.TrimFunc(k, isKeyChar) != "" {
		return fmt.Errorf("routing_key must be the 32-character Events API v2 integration key (got %d characters)", len(k))
	}
	if err := post.ValidateURL("url", secret.Secret(c.URL)); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return errors.New("timeout must not be negative")
	}
	return nil
}

func isKeyChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// Deps are the notifier's outside world.
type Deps struct {
	HTTP *http.Client
}

// Notifier sends to one PagerDuty service.
type Notifier struct {
	cfg      Config
	endpoint secret.Secret // not secret, but post.Request takes one
	client   *post.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pagerduty: %w", err)
	}
	u, _ := url.Parse(cfg.URL) // checked by Validate
	u = u.JoinPath("v2", "enqueue")
	// The same client a URL-webhook endpoint gets: cfg's timeout over
	// deps.HTTP's transport.
	client := post.Endpoint{Timeout: cfg.Timeout}.Client(deps.HTTP)
	return &Notifier{cfg: cfg, endpoint: secret.Secret(u.String()), client: client}, nil
}

// Notify sends a as a trigger (or resolve) event.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	ev := NewEvent(n.cfg, a)
	body, err := json.Marshal(ev)
	if err != nil {
		return notify.Permanent(fmt.Errorf("pagerduty: encode alert %s: %w", a.ID, err))
	}
	req := post.Request{URL: n.endpoint, Body: body, Secrets: []secret.Secret{n.cfg.RoutingKey}}
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		// 400 means PagerDuty rejected the event (bad key, bad field):
		// permanent, as post classifies it. 429 and 5xx retry.
		return fmt.Errorf("pagerduty %s %s: %w", ev.EventAction, ev.DedupKey, err)
	}
	var ack struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(resp.Body, &ack) == nil && ack.Status != "" && ack.Status != "success" {
		return fmt.Errorf("pagerduty %s %s: %w", ev.EventAction, ev.DedupKey, post.Rejected(req, false, resp))
	}
	return nil
}
