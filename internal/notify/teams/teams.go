// Package teams posts alerts to Microsoft Teams as an Adaptive Card, in
// the message envelope that both Workflows ("Post to a channel when a
// webhook request is received") and the retiring Office 365 connector
// incoming webhooks accept.
package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/post"
)

// Config configures one Teams webhook.
type Config struct {
	post.Endpoint `yaml:",inline"`
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
	return &Notifier{cfg: cfg, client: cfg.Client(deps.HTTP)}, nil
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
