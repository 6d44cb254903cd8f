// Package stdout writes each alert as one JSON line, for piping into jq,
// a log shipper, or a test.
package stdout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
)

// Config has nothing to set today; it exists so stdout is configured like
// every other notifier.
type Config struct{}

// Defaults fills unset fields.
func (c *Config) Defaults() {}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error { return nil }

// Deps are the notifier's outside world.
type Deps struct {
	Out io.Writer // required: the process's stdout, or a buffer in tests
}

// Notifier writes JSON lines to one writer.
type Notifier struct {
	mu  sync.Mutex // one alert per line, even from concurrent deliveries
	out io.Writer
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("stdout: %w", err)
	}
	if deps.Out == nil {
		return nil, errors.New("stdout: no output writer")
	}
	return &Notifier{out: deps.Out}, nil
}

// Notify writes a as a single line.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	if err := ctx.Err(); err != nil {
		return notify.Temporary(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		return notify.Permanent(fmt.Errorf("stdout: encode alert %s: %w", a.ID, err))
	}
	b = append(b, '\n')
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := n.out.Write(b); err != nil {
		return notify.Temporary(fmt.Errorf("stdout: write alert %s: %w", a.ID, err))
	}
	return nil
}
