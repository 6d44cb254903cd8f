package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/secret"
)

const routingKey = "R0UT1NGKEYabcdef0123456789ABCDEF"

// receiver plays the Events API v2: it validates each event as PagerDuty
// documents it and answers 202 or 400 the way PagerDuty does.
func receiver(t *testing.T) *notifytest.Receiver {
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(func(r notifytest.Request) (int, http.Header, string) {
		if err := validate(r); err != nil {
			return 400, nil, fmt.Sprintf(`{"status":"invalid event","message":"Event object is invalid","errors":[%q]}`, err.Error())
		}
		var ev Event
		_ = json.Unmarshal(r.Body, &ev)
		return 202, nil, fmt.Sprintf(`{"status":"success","message":"Event processed","dedup_key":%q}`, ev.DedupKey)
	})
	return rc
}

func validate(r notifytest.Request) error {
	if r.Path != "/v2/enqueue" || r.Method != "POST" {
		return fmt.Errorf("%s %s", r.Method, r.Path)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return err
	}
	for k := range m {
		switch k {
		case "routing_key", "event_action", "dedup_key", "payload", "images", "links", "client", "client_url":
		default:
			return fmt.Errorf("unknown field %q", k)
		}
	}
	if k, _ := m["routing_key"].(string); len(k) != 32 {
		return fmt.Errorf("routing_key length %d", len(k))
	}
	action, _ := m["event_action"].(string)
	if action != "trigger" && action != "acknowledge" && action != "resolve" {
		return fmt.Errorf("event_action %q", action)
	}
	dk, _ := m["dedup_key"].(string)
	if len(dk) > MaxDedupKey || (action != "trigger" && dk == "") {
		return fmt.Errorf("dedup_key %q", dk)
	}
	if action != "trigger" {
		return nil
	}
	p, ok := m["payload"].(map[string]any)
	if !ok {
		return fmt.Errorf("trigger without payload")
	}
	if s, _ := p["summary"].(string); s == "" || utf8.RuneCountInString(s) > MaxSummary || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("summary of %d characters: %q", utf8.RuneCountInString(s), s)
	}
	if len(r.Body) > MaxPayload {
		return fmt.Errorf("payload of %d bytes, the limit is %d", len(r.Body), MaxPayload)
	}
	if s, _ := p["source"].(string); s == "" {
		return fmt.Errorf("source missing")
	}
	switch p["severity"] {
	case "critical", "error", "warning", "info":
	default:
		return fmt.Errorf("severity %v", p["severity"])
	}
	if ts, ok := p["timestamp"].(string); ok {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			return fmt.Errorf("timestamp: %v", err)
		}
	}
	if cd, ok := p["custom_details"]; ok {
		if _, isObj := cd.(map[string]any); !isObj {
			return fmt.Errorf("custom_details is not an object")
		}
	}
	for _, lv := range asSlice(m["links"]) {
		if l, _ := lv.(map[string]any); l["href"] == "" {
			return fmt.Errorf("link without href")
		}
	}
	return nil
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func newNotifier(t *testing.T, base string) *Notifier {
	t.Helper()
	n, err := New(Config{RoutingKey: routingKey, URL: base}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTrigger(t *testing.T) {
	rc := receiver(t)
	a := notifytest.Alert()
	if err := newNotifier(t, rc.URL).Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var ev Event
	if err := json.Unmarshal(rc.Last(t).Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.EventAction != "trigger" || ev.DedupKey != a.ID || ev.RoutingKey != routingKey {
		t.Errorf("event = %+v", ev)
	}
	p := ev.Payload
	if p.Severity != "critical" || p.Source != "aws:prod-payments (123456789012)" || p.Class != alert.RuleRootUsage ||
		p.Group != "123456789012" || p.Component != "signin.amazonaws.com" || p.Timestamp != "2026-12-01T17:00:00Z" {
		t.Errorf("payload = %+v", p)
	}
	if !strings.Contains(p.Summary, "ConsoleLogin") || !strings.Contains(p.Summary, "203.0.113.7") {
		t.Errorf("summary = %q", p.Summary)
	}
	if p.CustomDetails["alert_id"] != a.ID || len(p.CustomDetails["event_ids"].([]any)) != 2 {
		t.Errorf("custom_details = %v", p.CustomDetails)
	}
	if len(ev.Links) != 1 || !strings.Contains(ev.Links[0].Href, "cloudtrailv2") {
		t.Errorf("links = %v", ev.Links)
	}
}

func TestAlarmTriggersThenResolves(t *testing.T) {
	rc := receiver(t)
	n := newNotifier(t, rc.URL)
	a := notifytest.Alert()
	a.Kind, a.ID, a.State, a.PreviousState, a.EventName = alert.KindAlarm, "rw-alarm-1", "ALARM", "OK", ""
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	a.ID, a.State, a.PreviousState = "rw-alarm-2", "OK", "ALARM"
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	reqs := rc.Requests()
	var trig, res Event
	_ = json.Unmarshal(reqs[0].Body, &trig)
	_ = json.Unmarshal(reqs[1].Body, &res)
	if trig.EventAction != "trigger" || res.EventAction != "resolve" || trig.DedupKey != res.DedupKey {
		t.Errorf("trigger %s/%s, resolve %s/%s", trig.EventAction, trig.DedupKey, res.EventAction, res.DedupKey)
	}
	if res.Payload != nil {
		t.Error("resolve carries a payload")
	}
}

func TestLongFieldsWithinLimits(t *testing.T) {
	rc := receiver(t)
	a := notifytest.Alert()
	a.ID = strings.Repeat("i", 400)
	a.AccountAlias = strings.Repeat("ä", 2000)
	a.EventName = strings.Repeat("E", 2000)
	if err := newNotifier(t, rc.URL).Notify(context.Background(), a); err != nil {
		t.Fatalf("PagerDuty would reject: %v", err)
	}
}

func TestLargeAndHostileAlertsAccepted(t *testing.T) {
	huge := notifytest.LargeAlert(10000)
	huge.Events[0] = []byte(`{"big":"` + strings.Repeat("y", 600<<10) + `"}`)
	for name, a := range map[string]alert.Alert{
		"10000 event IDs": notifytest.LargeAlert(10000),
		"huge event":      huge,
		"hostile":         notifytest.HostileAlert(),
	} {
		t.Run(name, func(t *testing.T) {
			rc := receiver(t)
			if err := newNotifier(t, rc.URL).Notify(context.Background(), a); err != nil {
				t.Fatalf("PagerDuty would reject: %v", err)
			}
		})
	}
}

func TestRejectedEventIsPermanentAndSecretFree(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(notifytest.Status(400, `{"status":"invalid event","message":"Event object is invalid","errors":["'routing_key' `+routingKey+` invalid"]}`))
	err := newNotifier(t, rc.URL).Notify(context.Background(), notifytest.Alert())
	notifytest.CheckFailure(t, err, false, routingKey)
}

func TestFailuresClassifiedWithoutSecrets(t *testing.T) {
	for _, c := range notifytest.StatusCases {
		t.Run(fmt.Sprint(c.Status), func(t *testing.T) {
			rc := notifytest.NewReceiver(t)
			rc.SetAnswer(c.Answer(""))
			err := newNotifier(t, rc.URL).Notify(context.Background(), notifytest.Alert())
			notifytest.CheckFailure(t, err, c.Retryable, routingKey)
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "routing_key is required"},
		{Config{RoutingKey: "short-SECRETKEY"}, "32-character"},
		{Config{RoutingKey: secret.Secret(strings.Repeat("!", 32))}, "32-character"},
		{Config{RoutingKey: routingKey, URL: "http://events.example.com"}, "loopback"},
		{Config{RoutingKey: routingKey}, ""},
	}
	for _, tt := range tests {
		tt.cfg.Defaults()
		err := tt.cfg.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("Validate = %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate = %v, want %q", err, tt.want)
		}
		notifytest.CheckNoSecret(t, err, "SECRETKEY", routingKey)
	}
}
