package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/email"
	"github.com/rootwatch/rootwatch/internal/notify/pagerduty"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/notify/slack"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
	"github.com/rootwatch/rootwatch/internal/notify/stdout"
	"github.com/rootwatch/rootwatch/internal/notify/teams"
	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/secret"
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
	EnvSMTPTLS       = "ROOTWATCH_SMTP_TLS"
)

// Deps are what notifiers need from the outside world.
type Deps struct {
	HTTP     *http.Client
	Out      io.Writer // stdout notifier
	Now      func() time.Time
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
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
	for _, raw := range specs {
		spec, err := ParseSpec(raw)
		if err != nil {
			return nil, err
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
	if len(targets) == 0 {
		return nil, errors.New("no notifier configured (give --notify " + SpecUsage + ", or notify.notifiers in the config)")
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

type builder struct {
	ctx        context.Context
	deps       Deps
	snsClients map[string]sns.Publisher
}

// prepare expands ${ENV}, reads _file secrets and fills defaults.
type preparer interface {
	ResolveSecrets(secret.ReadFileFunc) error
}

func prepare[T any, P interface {
	*T
	preparer
}](b *builder, c *T, path string) (T, error) {
	v, err := expandEnv(*c, path, b.deps.Getenv)
	if err != nil {
		return v, err
	}
	if err := P(&v).ResolveSecrets(b.deps.ReadFile); err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

func (b *builder) fromConfig(nc NotifierConfig, where string) (*Target, error) {
	kind, err := nc.kind()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	path := where + "." + kind
	switch kind {
	case KindWebhook:
		c, err := prepare(b, nc.Webhook, path)
		if err != nil {
			return nil, err
		}
		return b.webhook(c, path)
	case KindSlack:
		c, err := prepare(b, nc.Slack, path)
		if err != nil {
			return nil, err
		}
		return b.slack(c, path)
	case KindTeams:
		c, err := prepare(b, nc.Teams, path)
		if err != nil {
			return nil, err
		}
		return b.teams(c, path)
	case KindPagerDuty:
		c, err := prepare(b, nc.PagerDuty, path)
		if err != nil {
			return nil, err
		}
		return b.pagerduty(c, path)
	case KindEmail:
		c, err := prepare(b, nc.Email, path)
		if err != nil {
			return nil, err
		}
		return b.email(c, path)
	case KindSNS:
		c, err := expandEnv(*nc.SNS, path, b.deps.Getenv)
		if err != nil {
			return nil, err
		}
		return b.sns(c, path)
	case KindStdout:
		return b.stdout(*nc.Stdout, path)
	}
	return nil, fmt.Errorf("%s: unknown kind %s", where, kind)
}

func (b *builder) fromSpec(s Spec, smtp *email.Config) (*Target, error) {
	switch s.Kind {
	case KindWebhook:
		return b.webhook(webhook.Config{URL: secret.Secret(s.Value), Secret: secret.Secret(b.deps.Getenv(EnvWebhookSecret))}, "")
	case KindSlack:
		return b.slack(slack.Config{URL: secret.Secret(s.Value)}, "")
	case KindTeams:
		return b.teams(teams.Config{URL: secret.Secret(s.Value)}, "")
	case KindPagerDuty:
		return b.pagerduty(pagerduty.Config{RoutingKey: secret.Secret(s.Value)}, "")
	case KindSNS:
		return b.sns(sns.Config{TopicARN: s.Value}, "")
	case KindStdout:
		return b.stdout(stdout.Config{}, "")
	case KindEmail:
		c, err := b.smtpBase(smtp)
		if err != nil {
			return nil, err
		}
		c.To = nil
		for _, to := range strings.Split(s.Value, ",") {
			if to = strings.TrimSpace(to); to != "" {
				c.To = append(c.To, to)
			}
		}
		return b.email(c, "")
	}
	return nil, fmt.Errorf("unknown kind %s", s.Kind)
}

// smtpBase is the relay for email: specs: notify.smtp, else ROOTWATCH_SMTP_*.
func (b *builder) smtpBase(smtp *email.Config) (email.Config, error) {
	if smtp != nil {
		return prepare(b, smtp, "notify.smtp")
	}
	env := b.deps.Getenv
	c := email.Config{
		Host: env(EnvSMTPHost), From: env(EnvSMTPFrom), Username: env(EnvSMTPUsername),
		Password: secret.Secret(env(EnvSMTPPassword)), TLS: env(EnvSMTPTLS),
	}
	if c.Host == "" {
		return c, fmt.Errorf("no SMTP relay: set notify.smtp in the config, or %s (and %s, %s, %s, %s)",
			EnvSMTPHost, EnvSMTPFrom, EnvSMTPPort, EnvSMTPUsername, EnvSMTPPassword)
	}
	if p := env(EnvSMTPPort); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return c, fmt.Errorf("%s=%q is not a port number", EnvSMTPPort, p)
		}
		c.Port = n
	}
	return c, nil
}

func wrap(path string, err error) error {
	if path == "" {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func (b *builder) webhook(c webhook.Config, path string) (*Target, error) {
	n, err := webhook.New(c, webhook.Deps{HTTP: b.deps.HTTP, Now: b.deps.Now})
	if err != nil {
		return nil, wrap(path, err)
	}
	return &Target{Kind: KindWebhook, Where: secret.RedactURL(c.URL.Reveal()), Notifier: n}, nil
}

func (b *builder) slack(c slack.Config, path string) (*Target, error) {
	n, err := slack.New(c, slack.Deps{HTTP: b.deps.HTTP})
	if err != nil {
		return nil, wrap(path, err)
	}
	return &Target{Kind: KindSlack, Where: secret.RedactURL(c.URL.Reveal()), Notifier: n}, nil
}

func (b *builder) teams(c teams.Config, path string) (*Target, error) {
	n, err := teams.New(c, teams.Deps{HTTP: b.deps.HTTP})
	if err != nil {
		return nil, wrap(path, err)
	}
	return &Target{Kind: KindTeams, Where: secret.RedactURL(c.URL.Reveal()), Notifier: n}, nil
}

func (b *builder) pagerduty(c pagerduty.Config, path string) (*Target, error) {
	n, err := pagerduty.New(c, pagerduty.Deps{HTTP: b.deps.HTTP})
	if err != nil {
		return nil, wrap(path, err)
	}
	base := c.URL
	if base == "" {
		base = pagerduty.DefaultURL
	}
	return &Target{Kind: KindPagerDuty, Where: secret.RedactURL(base) + " (Events API v2)", Notifier: n}, nil
}

func (b *builder) email(c email.Config, path string) (*Target, error) {
	n, err := email.New(c, email.Deps{Now: b.deps.Now, ReadFile: b.deps.ReadFile})
	if err != nil {
		return nil, wrap(path, err)
	}
	c.Defaults()
	return &Target{Kind: KindEmail, Where: strings.Join(c.To, ", ") + " via " + c.Host + ":" + strconv.Itoa(c.Port), Notifier: n}, nil
}

func (b *builder) sns(c sns.Config, path string) (*Target, error) {
	c.Defaults()
	if err := c.Validate(); err != nil {
		return nil, wrap(path, fmt.Errorf("sns: %w", err))
	}
	if b.deps.SNS == nil {
		return nil, wrap(path, errors.New("sns: no AWS configuration available"))
	}
	region := c.Region
	if region == "" {
		a, _ := arn.Parse(c.TopicARN)
		region = a.Region
	}
	client, ok := b.snsClients[region]
	if !ok {
		var err error
		if client, err = b.deps.SNS(b.ctx, region); err != nil {
			return nil, wrap(path, fmt.Errorf("sns: client for %s: %w", region, err))
		}
		b.snsClients[region] = client
	}
	n, err := sns.New(c, sns.Deps{Client: client})
	if err != nil {
		return nil, wrap(path, err)
	}
	return &Target{Kind: KindSNS, Where: c.TopicARN, Notifier: n}, nil
}

func (b *builder) stdout(c stdout.Config, path string) (*Target, error) {
	out := b.deps.Out
	if out == nil {
		out = os.Stdout
	}
	n, err := stdout.New(c, stdout.Deps{Out: out})
	if err != nil {
		return nil, wrap(path, err)
	}
	return &Target{Kind: KindStdout, Where: "standard output", Notifier: n}, nil
}
