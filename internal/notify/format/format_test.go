package format

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rootwatch/rootwatch/internal/alert"
)

func rootAlert() alert.Alert {
	return alert.Alert{
		ID:           "rw-0123456789abcdef",
		Rule:         alert.RuleRootUsage,
		Kind:         alert.KindEvent,
		Severity:     alert.SeverityCritical,
		Title:        "Root user signed in to the console",
		Account:      "123456789012",
		AccountAlias: "prod-payments",
		Region:       "us-east-1",
		EventName:    "ConsoleLogin",
		EventSource:  "signin.amazonaws.com",
		EventTime:    time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC),
		SourceIP:     "203.0.113.7",
		EventIDs:     []string{"3b5a2f4e-0000-4000-8000-000000000001"},
		Events:       []json.RawMessage{json.RawMessage(`{"eventName":"ConsoleLogin","userIdentity":{"type":"Root"}}`)},
	}
}

func TestSubject(t *testing.T) {
	long := strings.Repeat("very-long-alias-", 10)
	tests := []struct {
		name string
		edit func(*alert.Alert)
		max  int
		want string
	}{
		{name: "fits", want: "Root usage: ConsoleLogin in prod-payments (123456789012)"},
		{name: "more events", edit: func(a *alert.Alert) { a.EventIDs = append(a.EventIDs, "b", "c") },
			want: "Root usage: ConsoleLogin +2 more in prod-payments (123456789012)"},
		{name: "more dropped before alias", edit: func(a *alert.Alert) { a.EventIDs = append(a.EventIDs, "b", "c") }, max: 56,
			want: "Root usage: ConsoleLogin in prod-payments (123456789012)"},
		{name: "alias cut", max: 50, want: "Root usage: ConsoleLogin in prod-p… (123456789012)"},
		{name: "very long alias", edit: func(a *alert.Alert) { a.AccountAlias = long },
			want: subjectWithCutAlias(long)},
		{name: "alias dropped, id kept", max: 44, want: "Root usage: ConsoleLogin in 123456789012"},
		{name: "prefix dropped", max: 30, want: "ConsoleLogin in 123456789012"},
		{name: "event name cut last", max: 22, want: "Conso… in 123456789012"},
		{name: "alias only", edit: func(a *alert.Alert) { a.Account = "" }, want: "Root usage: ConsoleLogin in prod-payments"},
		{name: "alias only cut", edit: func(a *alert.Alert) { a.Account = "" }, max: 30, want: "ConsoleLogin in prod-payments"},
		{name: "org name when no alias", edit: func(a *alert.Alert) { a.AccountAlias = ""; a.AccountName = "Payments" },
			want: "Root usage: ConsoleLogin in Payments (123456789012)"},
		{name: "multi-byte alias cut on rune", edit: func(a *alert.Alert) { a.AccountAlias = "支払い本番環境アカウント東京リージョン" }, max: 50,
			want: "Root usage: ConsoleLogin in 支払い本番環… (123456789012)"},
		{name: "emoji alias", edit: func(a *alert.Alert) { a.AccountAlias = "🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥" }, max: 50,
			want: "Root usage: ConsoleLogin in 🔥🔥🔥🔥🔥🔥… (123456789012)"},
		{name: "control characters removed", edit: func(a *alert.Alert) { a.AccountAlias = "prod\npayments\t" },
			want: "Root usage: ConsoleLogin in prod payments (123456789012)"},
		{name: "alarm", edit: func(a *alert.Alert) { a.Kind = alert.KindAlarm; a.EventName = ""; a.State = "ALARM" },
			want: "Root usage alarm: ALARM in prod-payments (123456789012)"},
		{name: "tamper", edit: func(a *alert.Alert) { a.Rule = alert.RuleTamper; a.EventName = "DeleteMetricFilter" },
			want: "Monitoring tamper: DeleteMetricFilter in prod-payments (123456789012)"},
		{name: "audit", edit: func(a *alert.Alert) {
			a.Rule, a.Kind, a.EventName, a.State = alert.RuleAudit, alert.KindAudit, "", "FAIL"
		}, want: "CIS 4.3 chain: FAIL in prod-payments (123456789012)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rootAlert()
			if tt.edit != nil {
				tt.edit(&a)
			}
			max := tt.max
			if max == 0 {
				max = MaxSubject
			}
			got := Subject(a, max)
			if got != tt.want {
				t.Errorf("Subject =\n %q\nwant\n %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > max {
				t.Errorf("subject has %d runes, max %d", n, max)
			}
			if !utf8.ValidString(got) {
				t.Errorf("subject is not valid UTF-8: %q", got)
			}
		})
	}
}

func subjectWithCutAlias(alias string) string {
	prefix := "Root usage: ConsoleLogin in "
	suffix := " (123456789012)"
	keep := MaxSubject - len(prefix) - len(suffix)
	return prefix + alias[:keep-1] + Ellipsis + suffix
}

// TestSubjectInvariants checks, over many shapes, the promise callers
// rely on: within the limit, valid UTF-8, and still naming the event and
// the account.
func TestSubjectInvariants(t *testing.T) {
	names := []string{"ConsoleLogin", "GetCallerIdentity", strings.Repeat("X", 90), "Ünïcödé"}
	aliases := []string{"", "a", "prod", strings.Repeat("ß", 120), strings.Repeat("long-", 40)}
	ids := []string{"", "123456789012"}
	for _, max := range []int{20, 40, 60, MaxSubject, 100} {
		for _, n := range names {
			for _, al := range aliases {
				for _, id := range ids {
					a := rootAlert()
					a.EventName, a.AccountAlias, a.Account = n, al, id
					got := Subject(a, max)
					if utf8.RuneCountInString(got) > max || !utf8.ValidString(got) {
						t.Fatalf("max %d: %q too long or invalid", max, got)
					}
					if !strings.Contains(got, Truncate(n, 4)[:1]) {
						t.Errorf("max %d: %q lost the event name %q", max, got, n)
					}
					if max >= 40 && id != "" && !strings.Contains(got, id) {
						t.Errorf("max %d: %q lost the account ID", max, got)
					}
					if max >= 40 && id == "" && al != "" && !strings.Contains(got, Truncate(al, 3)[:1]) {
						t.Errorf("max %d: %q lost the alias", max, got)
					}
				}
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello world", 6, "hello…"},
		{"héllo wörld", 4, "hél…"},
		{"日本語テキスト", 3, "日本…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.max); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	if got := TruncateBytes("日本語", 7); got != "日…" || len(got) > 7 {
		t.Errorf("TruncateBytes = %q", got)
	}
	if got := TruncateBytes("abc", 3); got != "abc" {
		t.Errorf("TruncateBytes = %q", got)
	}
}

func TestBodyCarriesEverything(t *testing.T) {
	a := rootAlert()
	a.Details = map[string]string{"note": "test"}
	body := Body(a)
	for _, want := range []string{
		"Root user signed in to the console",
		"prod-payments (123456789012)",
		"ConsoleLogin", "203.0.113.7", "critical", "rw-0123456789abcdef",
		"3b5a2f4e-0000-4000-8000-000000000001",
		`"type": "Root"`, // the full event, indented
		"https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/3b5a2f4e-0000-4000-8000-000000000001",
		"note:         test",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestBodyKeepsInvalidEvent(t *testing.T) {
	a := rootAlert()
	a.Events = []json.RawMessage{json.RawMessage(`{not json`)}
	if !strings.Contains(Body(a), "{not json") {
		t.Error("invalid event dropped from body")
	}
}

func TestConsoleLink(t *testing.T) {
	a := rootAlert()
	a.ConsoleURL = "https://example.com/enriched"
	if got := ConsoleLink(a); got != a.ConsoleURL {
		t.Errorf("got %q", got)
	}
	a = rootAlert()
	a.Region = ""
	if got := ConsoleLink(a); !strings.HasPrefix(got, "https://us-east-1.console.aws.amazon.com/") {
		t.Errorf("got %q", got)
	}
	a.EventIDs = nil
	if got := ConsoleLink(a); got != "" {
		t.Errorf("got %q", got)
	}
}
