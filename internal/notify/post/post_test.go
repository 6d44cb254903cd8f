package post

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/secret"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tests := map[string]time.Duration{
		"":                              0,
		"120":                           2 * time.Minute,
		" 5 ":                           5 * time.Second,
		"-3":                            0,
		"999999":                        time.Hour,
		"Tue, 01 Dec 2026 12:00:30 GMT": 30 * time.Second,
		"Tue, 01 Dec 2026 11:00:00 GMT": 0,
		"soon":                          0,
	}
	for in, want := range tests {
		if got := retryAfter(in, clock); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	target := notifytest.NewReceiver(t)
	target.SetAnswer(func(notifytest.Request) (int, http.Header, string) { elsewhere.Add(1); return 200, nil, "ok" })
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(func(notifytest.Request) (int, http.Header, string) {
		return http.StatusTemporaryRedirect, http.Header{"Location": {target.URL + "/stolen"}}, ""
	})
	_, err := New(nil).Do(context.Background(), Request{URL: secret.Secret(rc.URL + "/TOKEN"), Body: []byte("{}")})
	notifytest.CheckFailure(t, err, false, "/TOKEN")
	if !strings.Contains(err.Error(), "redirects are not followed") {
		t.Errorf("err = %v", err)
	}
	if elsewhere.Load() != 0 {
		t.Error("the payload followed the redirect")
	}
}

func TestInvalidURLHidden(t *testing.T) {
	_, err := New(nil).Do(context.Background(), Request{URL: "https://host/TOKEN\x7f"})
	notifytest.CheckFailure(t, err, false, "TOKEN")
}

func TestCanceledContextRetryable(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(nil).Do(ctx, Request{URL: secret.Secret(rc.URL + "/TOKEN")})
	notifytest.CheckFailure(t, err, true, "/TOKEN")
	if !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("err = %v", err)
	}
}

func TestTimeoutRetryable(t *testing.T) {
	release := make(chan struct{})
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(func(notifytest.Request) (int, http.Header, string) { <-release; return 200, nil, "" })
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := New(nil).Do(ctx, Request{URL: secret.Secret(rc.URL + "/TOKEN")})
	notifytest.CheckFailure(t, err, true, "/TOKEN")
	if notify.RetryAfter(err) != 0 {
		t.Errorf("RetryAfter = %v", notify.RetryAfter(err))
	}
}

func TestHostileReceiverEchoScrubbed(t *testing.T) {
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(notifytest.Status(400, "bad key KEY-123 for "+"/p/TOKEN?sig=SIG"))
	_, err := New(nil).Do(context.Background(), Request{URL: secret.Secret(rc.URL + "/p/TOKEN?sig=SIG"), Secrets: []secret.Secret{"KEY-123"}})
	notifytest.CheckFailure(t, err, false, "KEY-123", "TOKEN", "SIG")
}

func TestValidateURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.example/a":   "",
		"http://localhost:1/a":  "",
		"http://127.0.0.2/a":    "",
		"http://10.0.0.1/TOKEN": "loopback",
		"ftp://x.example/TOKEN": "https",
		"x.example/TOKEN":       "absolute URL",
		"":                      "required",
	} {
		err := ValidateURL("url", secret.Secret(in))
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
		notifytest.CheckNoSecret(t, err, "TOKEN")
	}
}
