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

// SpecUsage is the --notify flag's value syntax.
const SpecUsage = "webhook:URL|slack:URL|teams:URL|sns:TOPIC_ARN|email:ADDRESS[,ADDRESS]|pagerduty:ROUTING_KEY|stdout:"

// Spec is one parsed --notify value.
type Spec struct {
	Kind  string
	Value string // URL, ARN, addresses or routing key; empty for stdout
}

// String shows the spec without its secret part: a webhook URL as
// scheme://host/…, a routing key not at all.
func (s Spec) String() string {
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
	switch {
	case kind == KindStdout && s.Value != "":
		return Spec{}, fmt.Errorf("--notify stdout: takes no value (write \"stdout:\")")
	case kind != KindStdout && s.Value == "":
		return Spec{}, fmt.Errorf("--notify %s: missing value after \":\" (expected %s)", kind, valueHint(kind))
	case (kind == KindWebhook || kind == KindSlack || kind == KindTeams) && !strings.Contains(s.Value, "://"):
		return Spec{}, fmt.Errorf("--notify %s: value is not a URL (expected %s)", kind, valueHint(kind))
	case kind == KindSNS && !strings.HasPrefix(s.Value, "arn:"):
		return Spec{}, fmt.Errorf("--notify sns: %q is not a topic ARN (expected %s)", s.Value, valueHint(kind))
	case kind == KindEmail && !strings.Contains(s.Value, "@"):
		return Spec{}, fmt.Errorf("--notify email: %q is not an email address (expected %s)", s.Value, valueHint(kind))
	}
	return s, nil
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
