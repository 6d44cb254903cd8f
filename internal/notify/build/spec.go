// Package build turns what the user wrote (repeatable --notify specs and
// the notify section of the YAML config) into named, configured notifiers
// and the router that applies levels and routes. It is the one place that
// lists every notifier kind: explicit wiring, no registration.
package build

import (
	"fmt"
	"strings"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// Notifier kinds, as written in specs and config.
const (
	KindWebhook   = "webhook"
	KindSlack     = "slack"
	KindTeams     = "teams"
	KindSNS       = "sns"
	KindEmail     = "email"
	KindPagerDuty = "pagerduty"
	KindStdout    = "stdout"
)

// Kinds lists every kind in the order help text shows them.
var Kinds = []string{KindWebhook, KindSlack, KindTeams, KindSNS, KindEmail, KindPagerDuty, KindStdout}

// SpecUsage is the --notify flag's value syntax. A secret given inline is
// visible to every local user in ps and stays in shell history, so every
// value can instead be read from a variable or a file.
const SpecUsage = "webhook:URL|slack:URL|teams:URL|sns:TOPIC_ARN|email:ADDRESS[,ADDRESS]|pagerduty:ROUTING_KEY|stdout:" +
	" (any VALUE may be env:VAR or file:PATH, e.g. slack:env:SLACK_URL, pagerduty:file:/run/secrets/pd: " +
	"a secret on the command line is visible in ps)"

// Spec is one parsed --notify value.
type Spec struct {
	Kind  string
	Value string // URL, ARN, addresses or routing key; empty for stdout or until From is read
	// From names where the value is ("env:NAME", "file:PATH"); empty when
	// the value was written inline.
	From string
}

// InlineSecret reports whether the spec carries a secret on the command
// line: a webhook URL (the token is in it) or a routing key written out.
func (s Spec) InlineSecret() bool {
	if s.From != "" {
		return false
	}
	switch s.Kind {
	case KindWebhook, KindSlack, KindTeams, KindPagerDuty:
		return true
	}
	return false
}

// Resolve reads a spec's value from where From names and checks its
// shape, without quoting it.
func (s Spec) Resolve(getenv func(string) string, readFile secret.ReadFileFunc) (Spec, error) {
	if s.From == "" {
		return s, nil
	}
	v, err := secret.FromRef("--notify "+s.Kind+":"+s.From, s.From, getenv, readFile)
	if err != nil {
		return s, err
	}
	s.Value = strings.TrimSpace(v.Reveal())
	if err := checkValue(s.Kind, s.Value); err != nil {
		return s, fmt.Errorf("%w (read from %s)", err, s.From)
	}
	return s, nil
}

// String shows the spec without its secret part: a reference as written,
// a webhook URL as scheme://host/…, a routing key not at all.
func (s Spec) String() string {
	if s.From != "" {
		return s.Kind + ":" + s.From
	}
	switch s.Kind {
	case KindWebhook, KindSlack, KindTeams:
		return s.Kind + ":" + secret.RedactURL(s.Value)
	case KindPagerDuty:
		return s.Kind + ":" + secret.Redacted
	}
	return s.Kind + ":" + s.Value
}

// ParseSpec reads KIND:VALUE. It checks the shape only (kind known, value
// present or absent as the kind needs); the notifier's Validate checks the
// value itself. Errors never quote the value, which may be a credential.
func ParseSpec(raw string) (Spec, error) {
	kind, value, ok := strings.Cut(raw, ":")
	kind = strings.ToLower(strings.TrimSpace(kind))
	if !ok {
		if known(kind) {
			return Spec{}, fmt.Errorf("--notify %s: missing \":\" (expected %s:VALUE, or stdout:)", kind, kind)
		}
		return Spec{}, fmt.Errorf("--notify: expected KIND:VALUE with KIND one of %s, got a value without \":\"", strings.Join(Kinds, ", "))
	}
	if !known(kind) {
		return Spec{}, fmt.Errorf("--notify: unknown kind %q (expected one of %s)", kind, strings.Join(Kinds, ", "))
	}
	s := Spec{Kind: kind, Value: strings.TrimSpace(value)}
	if kind != KindStdout && secret.IsRef(s.Value) {
		return Spec{Kind: kind, From: s.Value}, nil // read and checked by Resolve
	}
	if err := checkValue(kind, s.Value); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// checkValue checks a spec value's shape; errors quote only values that
// are no secret (an ARN, addresses).
func checkValue(kind, value string) error {
	s := Spec{Kind: kind, Value: value}
	switch {
	case kind == KindStdout && s.Value != "":
		return fmt.Errorf("--notify stdout: takes no value (write \"stdout:\")")
	case kind != KindStdout && s.Value == "":
		return fmt.Errorf("--notify %s: missing value after \":\" (expected %s)", kind, valueHint(kind))
	case (kind == KindWebhook || kind == KindSlack || kind == KindTeams) && !strings.Contains(s.Value, "://"):
		return fmt.Errorf("--notify %s: value is not a URL (expected %s)", kind, valueHint(kind))
	case kind == KindSNS && !strings.HasPrefix(s.Value, "arn:"):
		return fmt.Errorf("--notify sns: %q is not a topic ARN (expected %s)", s.Value, valueHint(kind))
	case kind == KindEmail && !strings.Contains(s.Value, "@"):
		return fmt.Errorf("--notify email: %q is not an email address (expected %s)", s.Value, valueHint(kind))
	}
	return nil
}

func known(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

func valueHint(kind string) string {
	switch kind {
	case KindWebhook:
		return "webhook:https://host/path"
	case KindSlack:
		return "slack:https://hooks.slack.com/services/…"
	case KindTeams:
		return "teams:https://…/workflows/…"
	case KindSNS:
		return "sns:arn:aws:sns:REGION:ACCOUNT:TOPIC"
	case KindEmail:
		return "email:security@example.com[,oncall@example.com]"
	case KindPagerDuty:
		return "pagerduty:ROUTING_KEY (the 32-character Events API v2 integration key)"
	}
	return kind + ":"
}
