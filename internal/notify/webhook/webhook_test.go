package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/secret"
)

const (
	hookPath = "/hooks/rootwatch/SECRET-PATH-TOKEN"
	hmacKey  = "whsec-super-secret-key"
)

func newNotifier(t *testing.T, url string) *Notifier {
	t.Helper()
	n, err := New(Config{URL: secret.Secret(url), Secret: hmacKey, Headers: map[string]secret.Secret{"X-Team": "sec"}},
		Deps{Now: func() time.Time { return notifytest.Now }})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotifySignedPayload(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	n := newNotifier(t, rc.URL+hookPath)
	a := notifytest.Alert()
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	req := rc.Last(t)
	if req.Method != "POST" || req.Path != hookPath {
		t.Errorf("got %s %s", req.Method, req.Path)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if req.Header.Get("X-Team") != "sec" || req.Header.Get(HeaderAlertID) != a.ID {
		t.Errorf("headers = %v", req.Header)
	}
	ts := req.Header.Get(HeaderTimestamp)
	if ts != strconv.FormatInt(notifytest.Now.Unix(), 10) {
		t.Errorf("timestamp = %q", ts)
	}
	// A receiver verifies with nothing but the key, the headers and the raw body.
	if err := Verify(hmacKey, req.Header.Get(HeaderSignature), ts, req.Body, notifytest.Now.Add(time.Minute), 0); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}

	// Schema: the documented fields with the documented types.
	var body struct {
		Version  string          `json:"version"`
		ID       string          `json:"id"`
		Rule     string          `json:"rule"`
		Kind     string          `json:"kind"`
		Severity string          `json:"severity"`
		Account  string          `json:"account"`
		EventIDs []string        `json:"event_ids"`
		SentAt   time.Time       `json:"sent_at"`
		Alert    json.RawMessage `json:"alert"`
	}
	dec := json.NewDecoder(strings.NewReader(string(req.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("body does not match the schema: %v\n%s", err, req.Body)
	}
	if body.Version != "1" || body.ID != a.ID || body.Rule != a.Rule || body.Account != a.Account ||
		body.Kind != "event" || body.Severity != "critical" || !body.SentAt.Equal(notifytest.Now) {
		t.Errorf("body = %+v", body)
	}
	if strings.Join(body.EventIDs, ",") != strings.Join(a.EventIDs, ",") {
		t.Errorf("event_ids = %v", body.EventIDs)
	}
	var got alert.Alert
	if err := json.Unmarshal(body.Alert, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || len(got.Events) != 2 || got.Severity != alert.SeverityCritical {
		t.Errorf("alert round trip = %+v", got)
	}
}

func TestEmptyEventIDsIsArray(t *testing.T) {
	a := notifytest.Alert()
	a.EventIDs = nil
	b, _ := json.Marshal(NewPayload(a, notifytest.Now))
	if !strings.Contains(string(b), `"event_ids":[]`) {
		t.Errorf("body = %s", b)
	}
}

func TestUnsignedWithoutSecret(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	n, err := New(Config{URL: secret.Secret(rc.URL + hookPath)}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), notifytest.Alert()); err != nil {
		t.Fatal(err)
	}
	if h := rc.Last(t).Header.Get(HeaderSignature); h != "" {
		t.Errorf("unexpected signature %q", h)
	}
}

func TestVerifyRejects(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	ts := strconv.FormatInt(notifytest.Now.Unix(), 10)
	good := Sign(hmacKey, ts, body)
	tests := []struct {
		name, sig, ts string
		body          []byte
		now           time.Time
		want          string
	}{
		{"tampered body", good, ts, []byte(`{"id":"y"}`), notifytest.Now, "does not match"},
		{"timestamp swapped", good, strconv.FormatInt(notifytest.Now.Unix()+1, 10), body, notifytest.Now, "does not match"},
		{"replayed later", good, ts, body, notifytest.Now.Add(10 * time.Minute), "possible replay"},
		{"from the future", good, ts, body, notifytest.Now.Add(-10 * time.Minute), "possible replay"},
		{"no header", "", ts, body, notifytest.Now, "missing"},
		{"bad timestamp", good, "yesterday", body, notifytest.Now, "unix seconds"},
		{"wrong scheme", strings.Replace(good, "sha256=", "sha1=", 1), ts, body, notifytest.Now, "sha256="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(hmacKey, tt.sig, tt.ts, tt.body, tt.now, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want %q", err, tt.want)
			}
		})
	}
	if err := Verify("other-key", good, ts, body, notifytest.Now, 0); err == nil {
		t.Error("wrong key verified")
	}
}

func TestFailuresClassifiedWithoutSecrets(t *testing.T) {
	for _, c := range notifytest.StatusCases {
		t.Run(fmt.Sprint(c.Status), func(t *testing.T) {
			rc := notifytest.NewReceiver(t)
			rc.SetAnswer(c.Answer(hookPath))
			err := newNotifier(t, rc.URL+hookPath).Notify(context.Background(), notifytest.Alert())
			notifytest.CheckFailure(t, err, c.Retryable, hookPath, "SECRET-PATH-TOKEN", hmacKey)
			if c.Status == 429 && notify.RetryAfter(err) != 7*time.Second {
				t.Errorf("RetryAfter = %v", notify.RetryAfter(err))
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", c.Status)) {
				t.Errorf("error does not say the status: %v", err)
			}
		})
	}
}

func TestNetworkErrorRetryable(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	url := rc.URL + hookPath
	rc.Close()
	err := newNotifier(t, url).Notify(context.Background(), notifytest.Alert())
	notifytest.CheckFailure(t, err, true, hookPath, "SECRET-PATH-TOKEN", hmacKey)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "url is required"},
		{Config{URL: "ftp://example.com/x"}, "scheme must be https"},
		{Config{URL: "http://example.com/SECRET"}, "only to a loopback"},
		{Config{URL: "/relative"}, "absolute URL"},
		{Config{URL: "https://example.com/x", Headers: map[string]secret.Secret{"x-rootwatch-signature": "forged"}}, "set by rootwatch"},
		{Config{URL: "https://example.com/x"}, ""},
		{Config{URL: "http://127.0.0.1:9/x"}, ""},
		{Config{URL: "http://[::1]:9/x"}, ""},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("Validate(%s) = %v", tt.cfg.URL.Reveal(), err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%s) = %v, want %q", tt.cfg.URL.Reveal(), err, tt.want)
		}
		notifytest.CheckNoSecret(t, err, "SECRET")
	}
}
