package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
)

// Environment variables that complete --notify specs (the flag carries
// one value; these carry the rest). They use the ROOTWATCH_ prefix that
// Lambda mode reads its configuration from.
const (
	EnvWebhookSecret = "ROOTWATCH_WEBHOOK_SECRET"
	EnvSMTPHost      = "ROOTWATCH_SMTP_HOST"
	EnvSMTPPort      = "ROOTWATCH_SMTP_PORT"
	EnvSMTPFrom      = "ROOTWATCH_SMTP_FROM"
	EnvSMTPUsername  = "ROOTWATCH_SMTP_USERNAME"
	EnvSMTPPassword  = "ROOTWATCH_SMTP_PASSWORD"
	// The _FILE twins name a file holding the secret instead.
	EnvWebhookSecretFile = "ROOTWATCH_WEBHOOK_SECRET_FILE"
	EnvSMTPPasswordFile  = "ROOTWATCH_SMTP_PASSWORD_FILE"
	EnvSMTPTLS           = "ROOTWATCH_SMTP_TLS"
)

// Deps are what notifiers need from the outside world.
type Deps struct {
	HTTP     *http.Client
	Out      io.Writer // stdout notifier
	Now      func() time.Time
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// Warn receives the one warning about secrets written inline in specs;
	// nil where specs do not come from a command line (Lambda mode).
	Warn io.Writer
	// SNS returns a client for region; called once per region in use.
	SNS func(ctx context.Context, region string) (sns.Publisher, error)
}

// Target is one built notifier with its name, level and routing.
type Target struct {
	Name  string
	Kind  string
	Level route.Level
	// Where says where it sends, with no secret (for logs and notify test).
	Where    string
	Notifier notify.Notifier

	router *route.Router
}

// Wants reports whether the routes and levels send a to this notifier.
// (watch.Target.Wants takes this method value.)
func (t *Target) Wants(a alert.Alert) bool { return t.router.Wants(t.Name, a) }

// Set is every configured notifier and the router.
type Set struct {
	Targets []*Target
	Router  *route.Router
}

// Route returns the notifiers that receive a.
func (s *Set) Route(a alert.Alert) []*Target {
	var out []*Target
	for _, name := range s.Router.Route(a) {
		if t := s.Get(name); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// Get returns the notifier named name, or nil.
func (s *Set) Get(name string) *Target {
	for _, t := range s.Targets {
		if t.Name == name {
			return t
		}
	}
	return nil
}

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// Build makes the notifiers of cfg, then one per spec (named after its
// kind: "slack", "slack-2", …), and the router. Nothing is sent.
func Build(ctx context.Context, cfg Config, specs []string, deps Deps) (*Set, error) {
	if deps.Getenv == nil {
		deps.Getenv = os.Getenv
	}
	if deps.ReadFile == nil {
		deps.ReadFile = os.ReadFile
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	defLevel, err := route.ParseLevel(cfg.Level)
	if err != nil {
		return nil, fmt.Errorf("notify.level: %w", err)
	}
	b := &builder{ctx: ctx, deps: deps, snsClients: map[string]sns.Publisher{}}
	var targets []*Target
	names := map[string]bool{}
	for i, nc := range cfg.Notifiers {
		where := fmt.Sprintf("notify.notifiers[%d]", i)
		if nc.Name != "" {
			where = fmt.Sprintf("notify.notifiers[%d] (%s)", i, nc.Name)
		}
		if !validName.MatchString(nc.Name) {
			return nil, fmt.Errorf("%s: name %q must be 1-63 lowercase letters, digits, '.', '_' or '-'", where, nc.Name)
		}
		if names[nc.Name] {
			return nil, fmt.Errorf("%s: name %q is used twice", where, nc.Name)
		}
		names[nc.Name] = true
		level := defLevel
		if nc.Level != "" {
			if level, err = route.ParseLevel(nc.Level); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
		t, err := b.fromConfig(nc, where)
		if err != nil {
			return nil, err
		}
		t.Name, t.Level = nc.Name, level
		targets = append(targets, t)
	}
	count := map[string]int{}
	var inline []string
	for _, raw := range specs {
		spec, err := ParseSpec(raw)
		if err != nil {
			return nil, err
		}
		if spec, err = spec.Resolve(deps.Getenv, deps.ReadFile); err != nil {
			return nil, err
		}
		if spec.InlineSecret() {
			inline = append(inline, spec.String())
		}
		t, err := b.fromSpec(spec, cfg.SMTP)
		if err != nil {
			return nil, fmt.Errorf("--notify %s: %w", spec, err)
		}
		name := spec.Kind
		for names[name] {
			count[spec.Kind]++
			name = spec.Kind + "-" + strconv.Itoa(count[spec.Kind]+1)
		}
		names[name] = true
		t.Name, t.Level = name, defLevel
		targets = append(targets, t)
	}
	if len(inline) > 0 && deps.Warn != nil {
		// Once per run, naming every spec: the secret is already exposed
		// for as long as the process runs.
		_, _ = fmt.Fprintf(deps.Warn, "warning: --notify %s: a secret on the command line is visible to every local user (ps) "+
			"and kept in shell history; give it as KIND:env:VAR or KIND:file:PATH\n", strings.Join(inline, ", "))
	}
	if len(targets) == 0 {
		return nil, errors.New("no notifier configured (give --notify " + SpecUsage + ", or notify.notifiers in the config)")
	}
	for name, lv := range cfg.Levels {
		i := slices.IndexFunc(targets, func(t *Target) bool { return t.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("--notify-level %s=%s: no notifier named %q", name, lv, name)
		}
		if targets[i].Level, err = route.ParseLevel(lv); err != nil {
			return nil, fmt.Errorf("--notify-level %s: %w", name, err)
		}
	}
	levels := map[string]route.Level{}
	var order []string
	for _, t := range targets {
		levels[t.Name] = t.Level
		order = append(order, t.Name)
	}
	r, err := route.New(route.Config{Routes: cfg.Routes, Default: cfg.Default}, levels, order)
	if err != nil {
		return nil, fmt.Errorf("notify.%w", err)
	}
	for _, t := range targets {
		t.router = r
	}
	return &Set{Targets: targets, Router: r}, nil
}
