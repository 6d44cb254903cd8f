package teams

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

// Markdown renders in TextBlock and in FactSet titles and values (Teams'
// card formatting docs), never in a RichTextBlock's TextRuns: attacker
// text must reach Teams only in TextRuns.
func TestGoldenHostileMessage(t *testing.T) {
	b, err := json.Marshal(NewMessage(notifytest.HostileAlert()))
	if err != nil {
		t.Fatal(err)
	}
	card := checkSchema(t, b)
	notifytest.Golden(t, "hostile.json", b)
	for _, ev := range card["body"].([]any) {
		e := ev.(map[string]any)
		if e["type"] == "TextBlock" && strings.ContainsAny(e["text"].(string), "[*_<") {
			t.Errorf("attacker-influenced text in a Markdown TextBlock: %v", e["text"])
		}
		if e["type"] == "FactSet" {
			t.Error("FactSet renders Markdown in its values")
		}
	}
	if !strings.Contains(string(b), `[Reset MFA](https://evil.example/reset)`) {
		t.Error("the hostile value is not shown as text")
	}
}

func TestLargeAlertWithinLimits(t *testing.T) {
	for _, ids := range []int{1, 10000} {
		b, err := json.Marshal(NewMessage(notifytest.LargeAlert(ids)))
		if err != nil {
			t.Fatal(err)
		}
		checkSchema(t, b)
		if !strings.Contains(string(b), "123456789012") {
			t.Error("the account is gone")
		}
	}
}
