package route

import (
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
)

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]Level{"": LevelInfo, "error": LevelError, "INFO": LevelInfo, " verbose ": LevelVerbose} {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseLevel("debug"); err == nil || !strings.Contains(err.Error(), "expected error, info or verbose") {
		t.Errorf("ParseLevel(debug) = %v", err)
	}
}

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		a    alert.Alert
		want Level
	}{
		{"root usage is critical", alert.Alert{Kind: alert.KindEvent, Severity: alert.SeverityCritical}, LevelError},
		{"tamper warning is a detection", alert.Alert{Kind: alert.KindEvent, Severity: alert.SeverityWarning}, LevelInfo},
		{"alarm back to OK", alert.Alert{Kind: alert.KindAlarm, Severity: alert.SeverityInfo, State: "OK", PreviousState: "ALARM"}, LevelInfo},
		{"audit chain broke", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityWarning, State: "FAIL", PreviousState: "PASS"}, LevelError},
		{"audit still failing", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityWarning, State: "FAIL", PreviousState: "FAIL"}, LevelError},
		{"audit run errored", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityWarning, State: "ERROR"}, LevelError},
		{"audit healed", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityInfo, State: "PASS", PreviousState: "FAIL"}, LevelInfo},
		{"audit summary unchanged", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityInfo, State: "PASS", PreviousState: "PASS"}, LevelVerbose},
		{"first audit pass", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityInfo, State: "PASS"}, LevelVerbose},
		{"audit run could not run", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityWarning}, LevelError},
		{"audit run summary", alert.Alert{Kind: alert.KindAudit, Severity: alert.SeverityInfo}, LevelVerbose},
		{"explicit level wins", alert.Alert{Kind: alert.KindAudit, State: "PASS", Details: map[string]string{DetailLevel: "info"}}, LevelInfo},
		{"bad explicit level ignored", alert.Alert{Kind: alert.KindEvent, Severity: alert.SeverityCritical, Details: map[string]string{DetailLevel: "loud"}}, LevelError},
		{"test alert", alert.Alert{Kind: alert.KindTest, Severity: alert.SeverityInfo}, LevelInfo},
	}
	for _, tt := range tests {
		if got := Of(tt.a); got != tt.want {
			t.Errorf("%s: Of = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRoute(t *testing.T) {
	levels := map[string]Level{"pager": LevelError, "slack": LevelInfo, "log": LevelVerbose, "prod-mail": LevelInfo}
	order := []string{"pager", "slack", "log", "prod-mail"}
	cfg := Config{Routes: []Route{
		{Accounts: []string{"prod-*"}, MinSeverity: "warning", Notifiers: []string{"prod-mail", "pager"}, Continue: true},
		{Rules: []string{alert.RuleTamper}, Notifiers: []string{"pager"}},
		{Rules: []string{"cis-4.3-*"}, Notifiers: []string{"slack", "log"}},
	}, Default: []string{"log"}}
	r, err := New(cfg, levels, order)
	if err != nil {
		t.Fatal(err)
	}
	root := alert.Alert{Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical, Account: "111122223333"}
	tests := []struct {
		name string
		edit func(*alert.Alert)
		want string
	}{
		{"root usage in a dev account", nil, "slack,log"},
		{"root usage in prod (continue)", func(a *alert.Alert) { a.AccountAlias = "prod-payments" }, "pager,slack,log,prod-mail"},
		{"prod matched by org name", func(a *alert.Alert) { a.AccountName = "prod-core" }, "pager,slack,log,prod-mail"},
		{"info in prod skips the severity route", func(a *alert.Alert) {
			a.AccountAlias, a.Severity, a.Kind, a.State, a.PreviousState = "prod-x", alert.SeverityInfo, alert.KindAlarm, "OK", "ALARM"
		}, "slack,log"},
		{"tamper first match wins", func(a *alert.Alert) { a.Rule, a.Severity = alert.RuleTamper, alert.SeverityWarning }, ""},
		{"critical tamper reaches the pager", func(a *alert.Alert) { a.Rule = alert.RuleTamper }, "pager"},
		{"unmatched goes to default", func(a *alert.Alert) { a.Rule = "custom" }, "log"},
		{"verbose summary only to verbose notifiers", func(a *alert.Alert) {
			a.Rule, a.Kind, a.Severity, a.State, a.PreviousState = alert.RuleAudit, alert.KindAudit, alert.SeverityInfo, "PASS", "PASS"
		}, "log"},
	}
	for _, tt := range tests {
		a := root
		if tt.edit != nil {
			tt.edit(&a)
		}
		if got := strings.Join(r.Route(a), ","); got != tt.want {
			t.Errorf("%s: Route = %q, want %q", tt.name, got, tt.want)
		}
		for _, n := range order {
			if r.Wants(n, a) != strings.Contains(","+tt.want+",", ","+n+",") {
				t.Errorf("%s: Wants(%s) disagrees with Route", tt.name, n)
			}
		}
	}
}

// A route's level nests as a notifier's does: an error route pages for
// breakages and lets info and verbose alerts fall through.
func TestRouteLevel(t *testing.T) {
	levels := map[string]Level{"pager": LevelVerbose, "chat": LevelVerbose}
	r, err := New(Config{Routes: []Route{{Level: "error", Notifiers: []string{"pager"}}, {Level: "info", Notifiers: []string{"chat"}}},
		Default: []string{}}, levels, []string{"pager", "chat"})
	if err != nil {
		t.Fatal(err)
	}
	audit := func(level string) alert.Alert {
		return alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityInfo, Details: map[string]string{DetailLevel: level}}
	}
	for level, want := range map[string]string{"error": "pager", "info": "chat", "verbose": "pager,chat"} {
		if got := strings.Join(r.Route(audit(level)), ","); got != want {
			t.Errorf("%s alert: Route = %q, want %q", level, got, want)
		}
	}
}

func TestNoRoutesMeansEveryone(t *testing.T) {
	r, err := New(Config{}, map[string]Level{"a": LevelError, "b": LevelVerbose}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	a := alert.Alert{Kind: alert.KindEvent, Severity: alert.SeverityWarning}
	if got := strings.Join(r.Route(a), ","); got != "b" {
		t.Errorf("warning detection: %q (a is error-only)", got)
	}
	a.Severity = alert.SeverityCritical
	if got := strings.Join(r.Route(a), ","); got != "a,b" {
		t.Errorf("critical: %q", got)
	}
}

func TestNewRejects(t *testing.T) {
	levels := map[string]Level{"a": LevelInfo}
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Routes: []Route{{Notifiers: []string{"nope"}}}}, `routes[0]: no notifier named "nope"`},
		{Config{Routes: []Route{{}}}, "routes[0]: notifiers is empty"},
		{Config{Routes: []Route{{Rules: []string{"[x"}, Notifiers: []string{"a"}}}}, "bad pattern"},
		{Config{Routes: []Route{{MinSeverity: "high", Notifiers: []string{"a"}}}}, "min_severity"},
		{Config{Default: []string{"b"}}, `default: no notifier named "b"`},
		{Config{Routes: []Route{{Level: "loud", Notifiers: []string{"a"}}}}, "routes[0]: level"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg, levels, []string{"a"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New = %v, want %q", err, tt.want)
		}
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Error("no notifiers accepted")
	}
}
