package format

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSubject holds Subject to its promise for any event name, alias and
// account: within the limit, valid UTF-8, one line, and naming the event;
// and ASCIISubject to what SNS accepts.
func FuzzSubject(f *testing.F) {
	f.Add("ConsoleLogin", "prod-payments", "123456789012", 99)
	f.Add("GetCallerIdentity", strings.Repeat("支払い", 40), "123456789012", 40)
	f.Add("X\nY", "a\tb", "", 10)
	f.Add("", "", "", 1)
	f.Fuzz(func(t *testing.T, event, alias, account string, max int) {
		if max < 1 || max > 1000 {
			return
		}
		a := rootAlert()
		a.EventName, a.AccountAlias, a.Account = event, alias, account
		got := Subject(a, max)
		if n := utf8.RuneCountInString(got); n > max {
			t.Fatalf("Subject has %d runes, max %d: %q", n, max, got)
		}
		if !utf8.ValidString(got) || strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("Subject is not one clean line: %q", got)
		}
		if max >= 20 && max < 100 { // SNS uses 99; below 20 nothing useful fits
			checkSNSSubject(t, ASCIISubject(a, max), max)
		}
		ev := OneLine(event)
		if max >= 30 && ev != "" && !strings.HasPrefix(strings.TrimPrefix(got, "Root usage: "), string([]rune(ev)[:1])) {
			t.Fatalf("Subject %q does not start with the event %q", got, ev)
		}
	})
}
