package format_test

import (
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/format"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenBody(t *testing.T) {
	notifytest.Golden(t, "root-console-login.txt", []byte(format.Body(notifytest.Alert())))
}

// Attacker text stays inside its own field: no value starts a line, so
// none can pass for a field (or, in an email, a header); escapes and
// bidi controls are gone.
func TestGoldenHostileBody(t *testing.T) {
	body := format.Body(notifytest.HostileAlert())
	notifytest.Golden(t, "hostile.txt", []byte(body))
	count := map[string]int{}
	for _, line := range strings.Split(body, "\n") {
		label, _, _ := strings.Cut(line, ":")
		count[label]++
	}
	if count["MFA used"] != 1 || count["Bcc"] != 0 {
		t.Errorf("a value forged a line: MFA used ×%d, Bcc ×%d\n%s", count["MFA used"], count["Bcc"], body)
	}
	if strings.ContainsAny(body, "\x1b\x07\r\u202e") {
		t.Errorf("body keeps control or bidi characters:\n%q", body)
	}
}

func TestBodyCapsEventIDs(t *testing.T) {
	a := notifytest.LargeAlert(10000)
	a.Events = a.Events[:1]
	body := format.Body(a)
	if !strings.Contains(body, a.EventIDs[format.MaxBodyEventIDs-1]) || strings.Contains(body, a.EventIDs[format.MaxBodyEventIDs]) {
		t.Error("body does not list exactly the first MaxBodyEventIDs IDs")
	}
	if want := "  and 9000 more\n"; !strings.Contains(body, want) {
		t.Errorf("body lacks %q", want)
	}
}
