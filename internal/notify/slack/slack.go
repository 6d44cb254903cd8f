// Package slack posts alerts to a Slack incoming webhook as Block Kit
// blocks, with a plain "text" fallback for notifications and clients that
// do not render blocks.
package slack

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

// Config configures one incoming webhook.
type Config struct {
	post.Endpoint `yaml:",inline"`
	// Channel, Username and IconEmoji override the webhook's defaults;
	// only legacy (non-app) webhooks honour them.
	Channel   string `yaml:"channel"`
	Username  string `yaml:"username"`
	IconEmoji string `yaml:"icon_emoji"`
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
	return &Notifier{cfg: cfg, client: cfg.Client(deps.HTTP)}, nil
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
