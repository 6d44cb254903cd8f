package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/rootwatch/rootwatch/internal/notify/email"
	"github.com/rootwatch/rootwatch/internal/notify/pagerduty"
	"github.com/rootwatch/rootwatch/internal/notify/post"
	"github.com/rootwatch/rootwatch/internal/notify/slack"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
	"github.com/rootwatch/rootwatch/internal/notify/stdout"
	"github.com/rootwatch/rootwatch/internal/notify/teams"
	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// builder constructs one notifier per kind: the explicit list of every
// kind rootwatch has.
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
		key, err := secret.Resolve(EnvWebhookSecret, secret.Secret(b.deps.Getenv(EnvWebhookSecret)), b.deps.Getenv(EnvWebhookSecretFile), b.deps.ReadFile)
		if err != nil {
			return nil, err
		}
		return b.webhook(webhook.Config{URL: secret.Secret(s.Value), Secret: key}, "")
	case KindSlack:
		return b.slack(slack.Config{Endpoint: post.Endpoint{URL: secret.Secret(s.Value)}}, "")
	case KindTeams:
		return b.teams(teams.Config{Endpoint: post.Endpoint{URL: secret.Secret(s.Value)}}, "")
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
	pw, err := secret.Resolve(EnvSMTPPassword, secret.Secret(env(EnvSMTPPassword)), env(EnvSMTPPasswordFile), b.deps.ReadFile)
	if err != nil {
		return email.Config{}, err
	}
	c := email.Config{
		Host: env(EnvSMTPHost), From: env(EnvSMTPFrom), Username: env(EnvSMTPUsername),
		Password: pw, TLS: env(EnvSMTPTLS),
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
	c.Defaults()
	return &Target{Kind: KindPagerDuty, Where: secret.RedactURL(c.URL) + " (Events API v2)", Notifier: n}, nil
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
