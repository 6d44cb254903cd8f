// Package webhook delivers alerts as signed JSON to any HTTPS endpoint.
//
// The body carries the alert ID (stable across redeliveries, so receivers
// dedup by it), the rule, the account and every CloudTrail event ID the
// alert covers, plus the whole alert. With a secret, each request carries
//
//	X-Rootwatch-Timestamp: <unix seconds>
//	X-Rootwatch-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// Signing the timestamp with the body stops a captured request from being
// replayed later with a fresh timestamp; Verify checks both.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/post"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// Header names.
const (
	HeaderSignature = "X-Rootwatch-Signature"
	HeaderTimestamp = "X-Rootwatch-Timestamp"
	HeaderAlertID   = "X-Rootwatch-Alert-Id"
)

// PayloadVersion changes when a field is removed or changes meaning.
const PayloadVersion = "1"

// Config configures one webhook.
type Config struct {
	URL     secret.Secret `yaml:"url"`
	URLFile string        `yaml:"url_file"`
	// Secret keys the HMAC signature; without it requests are unsigned.
	Secret     secret.Secret `yaml:"secret"`
	SecretFile string        `yaml:"secret_file"`
	// Headers are added to every request; their values are treated as
	// secrets (kept out of errors) because they usually carry a token.
	Headers map[string]secret.Secret `yaml:"headers"`
	Timeout time.Duration            `yaml:"timeout"`
}

// Defaults fills unset fields.
func (c *Config) Defaults() {
	if c.Timeout == 0 {
		c.Timeout = post.DefaultTimeout
	}
}

// ResolveSecrets reads the _file variants.
func (c *Config) ResolveSecrets(read secret.ReadFileFunc) error {
	var err error
	if c.URL, err = secret.Resolve("url", c.URL, c.URLFile, read); err != nil {
		return err
	}
	c.URLFile = ""
	if c.Secret, err = secret.Resolve("secret", c.Secret, c.SecretFile, read); err != nil {
		return err
	}
	c.SecretFile = ""
	return nil
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	if err := post.ValidateURL("url", c.URL); err != nil {
		return err
	}
	for k := range c.Headers {
		if http.CanonicalHeaderKey(k) == HeaderSignature || http.CanonicalHeaderKey(k) == HeaderTimestamp {
			return fmt.Errorf("headers: %s is set by rootwatch", k)
		}
	}
	if c.Timeout < 0 {
		return errors.New("timeout must not be negative")
	}
	return nil
}

// Deps are the notifier's outside world.
type Deps struct {
	HTTP *http.Client
	Now  func() time.Time
}

// Notifier posts to one webhook.
type Notifier struct {
	cfg    Config
	client *post.Client
	now    func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	hc := deps.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	hc = &http.Client{Transport: hc.Transport, Jar: hc.Jar, Timeout: cfg.Timeout}
	return &Notifier{cfg: cfg, client: post.New(hc), now: deps.Now}, nil
}

// Payload is the JSON body.
type Payload struct {
	Version  string      `json:"version"`
	ID       string      `json:"id"`
	Rule     string      `json:"rule"`
	Kind     alert.Kind  `json:"kind"`
	Severity string      `json:"severity"`
	Account  string      `json:"account"`
	EventIDs []string    `json:"event_ids"`
	SentAt   time.Time   `json:"sent_at"`
	Alert    alert.Alert `json:"alert"`
}

// NewPayload builds the body for a.
func NewPayload(a alert.Alert, now time.Time) Payload {
	ids := a.EventIDs
	if ids == nil {
		ids = []string{} // "event_ids": [] rather than null, so receivers need no special case
	}
	return Payload{
		Version: PayloadVersion, ID: a.ID, Rule: a.Rule, Kind: a.Kind,
		Severity: a.Severity.String(), Account: a.Account, EventIDs: ids,
		SentAt: now.UTC(), Alert: a,
	}
}

// Notify posts a.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	now := n.now()
	body, err := json.Marshal(NewPayload(a, now))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: encode alert %s: %w", a.ID, err))
	}
	h := http.Header{}
	secrets := []secret.Secret{n.cfg.Secret}
	for k, v := range n.cfg.Headers {
		h.Set(k, v.Reveal())
		secrets = append(secrets, v) // often "Authorization: Bearer …"
	}
	h.Set(HeaderAlertID, a.ID)
	if !n.cfg.Secret.IsZero() {
		ts := strconv.FormatInt(now.Unix(), 10)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, Sign(n.cfg.Secret, ts, body))
	}
	if _, err := n.client.Do(ctx, post.Request{URL: n.cfg.URL, Body: body, Header: h, Secrets: secrets}); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}
