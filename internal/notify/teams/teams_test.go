package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/notify/post"
	"github.com/rootwatch/rootwatch/internal/secret"
)

const hookPath = "/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=TEAMSSECRETSIG"

// checkSchema validates the envelope and card against the Teams webhook
// and Adaptive Card 1.4 documentation.
func checkSchema(t *testing.T, body []byte) map[string]any {
	t.Helper()
	if len(body) > MaxMessageBytes {
		t.Errorf("message is %d bytes, Teams takes %d", len(body), MaxMessageBytes)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m["type"] != "message" {
		t.Errorf("type = %v", m["type"])
	}
	atts, _ := m["attachments"].([]any)
	if len(atts) != 1 {
		t.Fatalf("attachments = %v", m["attachments"])
	}
	att := atts[0].(map[string]any)
	if att["contentType"] != "application/vnd.microsoft.card.adaptive" {
		t.Errorf("contentType = %v", att["contentType"])
	}
	if v, ok := att["contentUrl"]; !ok || v != nil {
		t.Errorf("contentUrl = %v, want null", v)
	}
	card := att["content"].(map[string]any)
	if card["type"] != "AdaptiveCard" || card["$schema"] != "http://adaptivecards.io/schemas/adaptive-card.json" {
		t.Errorf("card header = %v %v", card["type"], card["$schema"])
	}
	if v, _ := card["version"].(string); v == "" || v > "1.5" {
		t.Errorf("card version %q", v)
	}
	for i, ev := range card["body"].([]any) {
		e := ev.(map[string]any)
		switch e["type"] {
		case "TextBlock":
			if s, _ := e["text"].(string); s == "" {
				t.Errorf("body %d: empty TextBlock", i)
			}
			checkTextStyle(t, i, e)
		case "RichTextBlock":
			inl, _ := e["inlines"].([]any)
			if len(inl) == 0 {
				t.Errorf("body %d: RichTextBlock without inlines", i)
			}
			for _, rv := range inl {
				r := rv.(map[string]any)
				if r["type"] != "TextRun" {
					t.Errorf("body %d: inline %v", i, r["type"])
				}
				if s, _ := r["text"].(string); s == "" {
					t.Errorf("body %d: empty TextRun", i)
				}
				checkTextStyle(t, i, r)
			}
		default:
			t.Errorf("body %d: unexpected element %v", i, e["type"])
		}
	}
	for _, av := range card["actions"].([]any) {
		a := av.(map[string]any)
		if a["type"] != "Action.OpenUrl" || a["url"] == "" || a["title"] == "" {
			t.Errorf("action = %v", a)
		}
	}
	return card
}

// checkTextStyle checks the style properties TextBlock and TextRun share
// against their documented values.
func checkTextStyle(t *testing.T, i int, e map[string]any) {
	t.Helper()
	for k, allowed := range map[string][]string{
		"size":     {"Small", "Default", "Medium", "Large", "ExtraLarge"},
		"weight":   {"Lighter", "Default", "Bolder"},
		"color":    {"Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"},
		"fontType": {"Default", "Monospace"},
	} {
		if v, ok := e[k]; ok && !contains(allowed, v.(string)) {
			t.Errorf("body %d: %s = %v", i, k, v)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestNotifyPostsCard(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(notifytest.Status(202, "")) // what Workflows answer
	n, err := New(Config{Endpoint: post.Endpoint{URL: secret.Secret(rc.URL + hookPath)}}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	a := notifytest.Alert()
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	req := rc.Last(t)
	checkSchema(t, req.Body)
	for _, want := range []string{"ConsoleLogin", "prod-payments (123456789012)", a.ID, "Attention", "Monospace"} {
		if !strings.Contains(string(req.Body), want) {
			t.Errorf("card lacks %q", want)
		}
	}
}

func TestLegacyConnectorAnswers(t *testing.T) {
	tests := []struct {
		body      string
		ok        bool
		retryable bool
	}{
		{body: "1", ok: true},
		{body: "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId " + hookPath, retryable: true},
		{body: "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400", retryable: false},
	}
	for _, tt := range tests {
		rc := notifytest.NewReceiver(t)
		rc.SetAnswer(notifytest.Status(200, tt.body))
		n, _ := New(Config{Endpoint: post.Endpoint{URL: secret.Secret(rc.URL + hookPath)}}, Deps{})
		err := n.Notify(context.Background(), notifytest.Alert())
		if tt.ok {
			if err != nil {
				t.Errorf("%q: %v", tt.body, err)
			}
			continue
		}
		notifytest.CheckFailure(t, err, tt.retryable, "TEAMSSECRETSIG", "/workflows/abc")
	}
}

func TestHugeAlertFits(t *testing.T) {
	a := notifytest.Alert()
	a.Details = map[string]string{}
	for i := range 200 {
		a.Details[fmt.Sprintf("d%03d", i)] = strings.Repeat("é", 400)
	}
	a.Events[0] = json.RawMessage(`{"x":"` + strings.Repeat("z", 50000) + `"}`)
	b, _ := json.Marshal(NewMessage(a))
	checkSchema(t, b)
}

func TestFailuresClassifiedWithoutSecrets(t *testing.T) {
	for _, c := range notifytest.StatusCases {
		t.Run(fmt.Sprint(c.Status), func(t *testing.T) {
			rc := notifytest.NewReceiver(t)
			rc.SetAnswer(c.Answer(hookPath))
			n, err := New(Config{Endpoint: post.Endpoint{URL: secret.Secret(rc.URL + hookPath)}}, Deps{})
			if err != nil {
				t.Fatal(err)
			}
			err = n.Notify(context.Background(), notifytest.Alert())
			notifytest.CheckFailure(t, err, c.Retryable, "TEAMSSECRETSIG", "/workflows/abc")
		})
	}
}
