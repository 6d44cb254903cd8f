package format

import (
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// checkSNSSubject holds s to what the SNS Publish API accepts as a
// subject: printable ASCII, beginning with a letter, digit or punctuation
// mark, fewer than 100 characters, and max at most.
func checkSNSSubject(t *testing.T, s string, max int) {
	t.Helper()
	if s == "" || len(s) > max || len(s) >= 100 {
		t.Fatalf("subject has %d bytes, want 1..%d and < 100: %q", len(s), max, s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			t.Fatalf("subject byte %d is %#x, not printable ASCII: %q", i, c, s)
		}
	}
	if s[0] == ' ' {
		t.Fatalf("subject starts with a space: %q", s)
	}
}

func TestASCIISubject(t *testing.T) {
	name100 := "Get" + strings.Repeat("VeryLongOperation", 5) + strings.Repeat("X", 12)
	name100 = name100[:100]
	tests := []struct {
		name string
		edit func(*alert.Alert)
		want string
	}{
		{name: "fits unchanged", want: "Root usage: ConsoleLogin in prod-payments (123456789012)"},
		{name: "accents folded", edit: func(a *alert.Alert) { a.AccountAlias = "prod-zahlungen-Ünïcödé-ß" },
			want: "Root usage: ConsoleLogin in prod-zahlungen-Unicode-ss (123456789012)"},
		{name: "unreadable alias dropped, id kept", edit: func(a *alert.Alert) { a.AccountAlias = "支払い本番環境" },
			want: "Root usage: ConsoleLogin in 123456789012"},
		{name: "mixed alias keeps a ? for the rest", edit: func(a *alert.Alert) { a.AccountAlias = "prod-支払い" },
			want: "Root usage: ConsoleLogin in prod-? (123456789012)"},
		{name: "long alias cut with three dots", edit: func(a *alert.Alert) { a.AccountAlias = strings.Repeat("very-long-alias-", 10) },
			want: "Root usage: ConsoleLogin in very-long-alias-very-long-alias-very-long-alias-very-... (123456789012)"},
		{name: "100-character event name keeps its start and the account", edit: func(a *alert.Alert) { a.EventName = name100 },
			want: name100[:80] + "... in 123456789012"},
		{name: "control characters and escapes removed", edit: func(a *alert.Alert) {
			a.EventName = "Console\r\nLogin\x1b[31m"
			a.AccountAlias = "prod\u202epayments"
		}, want: "Root usage: Console Login in prodpayments (123456789012)"},
		{name: "event name of controls only", edit: func(a *alert.Alert) { a.EventName = "\n\t" },
			want: "Root usage: alert in prod-payments (123456789012)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rootAlert()
			if tt.edit != nil {
				tt.edit(&a)
			}
			got := ASCIISubject(a, MaxSubject)
			if got != tt.want {
				t.Errorf("ASCIISubject =\n %q\nwant\n %q", got, tt.want)
			}
			checkSNSSubject(t, got, MaxSubject)
		})
	}
}

func TestASCII(t *testing.T) {
	for in, want := range map[string]string{
		"plain":            "plain",
		"Ünïcödé":          "Unicode",
		"naïve café":       "naive cafe",
		"Łódź–Kraków":      "Lodz-Krakow",
		"“quoted” … next":  `"quoted" ... next`,
		"日本語 text":         "? text",
		"tab\there":        "tab here",
		"bad\xffutf8":      "bad?utf8",
		"🔥🔥 fire":          "? fire",
		"zero\u200bwidth":  "zero?width",
		"e\u0301 combined": "e combined",
	} {
		if got := ASCII(in); got != want {
			t.Errorf("ASCII(%q) = %q, want %q", in, got, want)
		}
	}
}
