package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/notify/post"
	"github.com/rootwatch/rootwatch/internal/secret"
)

const hookPath = "/services/T0000000/B0000000/SLACKSECRETTOKEN"

// checkSchema validates a payload against Slack's documented incoming
// webhook and Block Kit rules, the way Slack would reject it.
func checkSchema(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("payload is not JSON: %v", err)
	}
	for k := range m {
		switch k {
		case "text", "blocks", "channel", "username", "icon_emoji", "mrkdwn":
		default:
			t.Errorf("unknown top-level field %q", k)
		}
	}
	if s, _ := m["text"].(string); s == "" || utf8.RuneCountInString(s) > MaxMessageText {
		t.Errorf("fallback text has %d characters, want 1..%d", utf8.RuneCountInString(s), MaxMessageText)
	}
	blocks, _ := m["blocks"].([]any)
	if len(blocks) == 0 || len(blocks) > MaxBlocks {
		t.Fatalf("%d blocks, want 1..%d", len(blocks), MaxBlocks)
	}
	textObj := func(where string, v any, types []string, max int) {
		o, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: not a text object: %v", where, v)
			return
		}
		typ, _ := o["type"].(string)
		okType := false
		for _, tt := range types {
			okType = okType || typ == tt
		}
		if !okType {
			t.Errorf("%s: text type %q, want one of %v", where, typ, types)
		}
		s, _ := o["text"].(string)
		if s == "" || utf8.RuneCountInString(s) > max {
			t.Errorf("%s: text has %d characters, want 1..%d", where, utf8.RuneCountInString(s), max)
		}
		if _, has := o["emoji"]; has && typ != "plain_text" {
			t.Errorf("%s: emoji is only valid on plain_text", where)
		}
	}
	for i, bv := range blocks {
		b := bv.(map[string]any)
		where := fmt.Sprintf("block %d (%v)", i, b["type"])
		switch b["type"] {
		case "header":
			textObj(where, b["text"], []string{"plain_text"}, MaxHeader)
		case "section":
			text, hasText := b["text"]
			fields, hasFields := b["fields"].([]any)
			if !hasText && !hasFields {
				t.Errorf("%s: needs text or fields", where)
			}
			if hasText {
				textObj(where, text, []string{"plain_text", "mrkdwn"}, MaxSectionText)
			}
			if len(fields) > MaxFields {
				t.Errorf("%s: %d fields", where, len(fields))
			}
			for j, f := range fields {
				textObj(fmt.Sprintf("%s field %d", where, j), f, []string{"plain_text", "mrkdwn"}, MaxFieldText)
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				t.Errorf("%s: %d elements", where, len(els))
			}
			for _, ev := range els {
				e := ev.(map[string]any)
				if e["type"] != "button" {
					t.Errorf("%s: element type %v", where, e["type"])
				}
				textObj(where+" button", e["text"], []string{"plain_text"}, MaxButtonText)
				if u, _ := e["url"].(string); u == "" || len(u) > MaxURL {
					t.Errorf("%s: button url %q", where, u)
				}
			}
		case "rich_text":
			els, _ := b["elements"].([]any)
			if len(els) == 0 {
				t.Errorf("%s: no elements", where)
			}
			for _, ev := range els {
				e := ev.(map[string]any)
				if e["type"] != "rich_text_preformatted" {
					t.Errorf("%s: element type %v", where, e["type"])
				}
				for _, rv := range e["elements"].([]any) {
					r := rv.(map[string]any)
					if s, _ := r["text"].(string); r["type"] != "text" || s == "" || utf8.RuneCountInString(s) > MaxSectionText {
						t.Errorf("%s: text element %v of %d characters", where, r["type"], utf8.RuneCountInString(s))
					}
				}
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				t.Errorf("%s: %d elements", where, len(els))
			}
			for _, e := range els {
				textObj(where, e, []string{"plain_text", "mrkdwn"}, MaxFieldText)
			}
		default:
			t.Errorf("%s: unexpected block type", where)
		}
	}
	return m
}

func TestNotifyPostsBlocks(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	n, err := New(Config{Endpoint: post.Endpoint{URL: secret.Secret(rc.URL + hookPath)}, Channel: "#security"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	a := notifytest.Alert()
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	req := rc.Last(t)
	if req.Path != hookPath || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("got %s %s", req.Path, req.Header.Get("Content-Type"))
	}
	m := checkSchema(t, req.Body)
	if m["channel"] != "#security" {
		t.Errorf("channel = %v", m["channel"])
	}
	s := string(req.Body)
	for _, want := range []string{"ConsoleLogin", "prod-payments (123456789012)", "203.0.113.7", a.ID, "Open in AWS console", "cloudtrailv2"} {
		if !strings.Contains(s, want) {
			t.Errorf("payload lacks %q", want)
		}
	}
}

func TestHugeAlertStaysWithinLimits(t *testing.T) {
	a := notifytest.Alert()
	a.Title = strings.Repeat("Títle ", 100)
	a.Summary = strings.Repeat("<!channel> & ", 1000)
	a.UserAgent = strings.Repeat("ü", 5000)
	a.Details = map[string]string{}
	for i := range 40 {
		a.Details[fmt.Sprintf("detail-%02d", i)] = strings.Repeat("x", 3000)
	}
	a.Events[0] = json.RawMessage(`{"big":"` + strings.Repeat("y", 10000) + `"}`)
	body, err := json.Marshal(NewMessage(a))
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, body)
	if strings.Contains(string(body), "<!channel>") {
		t.Error("mrkdwn not escaped: a summary can ping the channel")
	}
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
			notifytest.CheckFailure(t, err, c.Retryable, hookPath, "SLACKSECRETTOKEN")
		})
	}
}

func TestUnexpectedOKBodyIsFailure(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(notifytest.Status(200, hookPath+"<html>captive portal</html>"))
	n, _ := New(Config{Endpoint: post.Endpoint{URL: secret.Secret(rc.URL + hookPath)}}, Deps{})
	err := n.Notify(context.Background(), notifytest.Alert())
	notifytest.CheckFailure(t, err, false, "SLACKSECRETTOKEN")
}

func TestValidate(t *testing.T) {
	if err := (Config{}).Validate(); err == nil || !strings.Contains(err.Error(), "url is required") {
		t.Errorf("empty config: %v", err)
	}
	err := (Config{Endpoint: post.Endpoint{URL: "http://hooks.slack.com/services/SLACKSECRETTOKEN"}}).Validate()
	if err == nil {
		t.Fatal("plain http to a public host accepted")
	}
	notifytest.CheckNoSecret(t, err, "SLACKSECRETTOKEN")
}

// The shared endpoint keys sit beside Slack's own in YAML.
func TestConfigYAMLKeys(t *testing.T) {
	var c Config
	if err := yaml.Unmarshal([]byte("url_file: /run/secrets/slack\ntimeout: 5s\nchannel: '#sec'\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.URLFile != "/run/secrets/slack" || c.Timeout != 5*time.Second || c.Channel != "#sec" {
		t.Errorf("decoded %+v", c)
	}
}
