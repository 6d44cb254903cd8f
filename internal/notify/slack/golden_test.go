package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenMessage(t *testing.T) {
	b, err := json.Marshal(NewMessage(notifytest.Alert()))
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, b)
	notifytest.Golden(t, "root-console-login.json", b)
}

// texts returns every text a message carries, by the object type that
// decides how Slack reads it.
func texts(m Message) map[string][]string {
	out := map[string][]string{"fallback": {m.Text}}
	add := func(t Text) { out[t.Type] = append(out[t.Type], t.Text) }
	for _, b := range m.Blocks {
		if b.Text != nil {
			add(*b.Text)
		}
		for _, f := range b.Fields {
			add(f)
		}
		for _, e := range b.Elements {
			switch e := e.(type) {
			case Text:
				add(e)
			case Preformatted:
				for _, r := range e.Elements {
					out["rich_text"] = append(out["rich_text"], r.Text)
				}
			}
		}
	}
	return out
}

// Attacker text reaches Slack only where Slack does not parse mrkdwn
// (plain_text, rich_text, a fallback with mrkdwn off), and with & < >
// escaped everywhere, so no link, mention or emphasis can be forged.
func TestGoldenHostileMessage(t *testing.T) {
	m := NewMessage(notifytest.HostileAlert())
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, b)
	notifytest.Golden(t, "hostile.json", b)
	if m.Mrkdwn == nil || *m.Mrkdwn {
		t.Error("the fallback text is parsed as mrkdwn")
	}
	for typ, ts := range texts(m) {
		for _, s := range ts {
			if typ == "mrkdwn" {
				t.Errorf("attacker-influenced text in mrkdwn: %q", s)
			}
			if strings.ContainsAny(s, "<>") {
				t.Errorf("%s text keeps an unescaped < or >: %q", typ, s)
			}
		}
	}
	if !strings.Contains(string(b), "[Reset MFA](https://evil.example/reset) **URGENT**") {
		t.Error("the hostile value is not shown as text")
	}
}

func TestLargeAlertWithinLimits(t *testing.T) {
	for _, ids := range []int{1, 10000} {
		a := notifytest.LargeAlert(ids)
		a.Summary = strings.Repeat("<&>", 2000) // every character escapes to 4-5
		b, err := json.Marshal(NewMessage(a))
		if err != nil {
			t.Fatal(err)
		}
		checkSchema(t, b)
	}
}
