package source

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// Hostile inputs against the sources: each test is an attack that once
// blinded, flooded or misled watch.

// syncBuffer is a log destination the server goroutines can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Anyone who can reach the endpoint can fail to authenticate: a log line
// per request lets them fill the disk. One line a minute, with a count.
func TestHostileAuthFailuresRateLimited(t *testing.T) {
	logs := &syncBuffer{}
	clock := &manualClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	src, err := NewHTTP(HTTPConfig{Addr: "127.0.0.1:0", Path: "/ingest", Secret: secret.Secret("s3cr3t"),
		Now: clock.Now, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	cancel := run(t, src, newFakeSink())
	url := "http://" + src.Addr() + "/ingest"
	post := func() {
		t.Helper()
		resp, err := http.Post(url, "application/json", strings.NewReader(eventBridge(rec("x"))))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	}
	lines := func() []string {
		var out []string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "without a valid secret") {
				out = append(out, l)
			}
		}
		return out
	}
	for range 200 {
		post()
	}
	if got := lines(); len(got) != 1 || !strings.Contains(got[0], `"count":1`) {
		t.Fatalf("200 failures in one minute logged %d lines, want 1 with count 1:\n%s", len(got), strings.Join(got, "\n"))
	}
	clock.Add(61 * time.Second)
	post()
	if got := lines(); len(got) != 2 || !strings.Contains(got[1], `"count":200`) {
		t.Fatalf("after a minute: %d lines, want a second one counting the 199 held back and this one:\n%s", len(got), strings.Join(got, "\n"))
	}
	post()
	cancel()
	// Run's cleanup waits for the source; what was held back is logged then.
	deadline := time.After(10 * time.Second)
	for len(lines()) < 3 {
		select {
		case <-deadline:
			t.Fatalf("the failure held back at shutdown was never logged:\n%s", logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if got := lines(); !strings.Contains(got[2], `"count":1`) {
		t.Errorf("shutdown line = %s, want count 1", got[2])
	}
}

// An ingest endpoint on every interface, in clear text, is said out loud
// at start; loopback or TLS is not.
func TestHostileListenerExposedWarns(t *testing.T) {
	tests := []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:0", false},
		{"localhost:0", false},
		{":0", true},
		{"0.0.0.0:0", true},
	}
	for _, tt := range tests {
		logs := &syncBuffer{}
		src, err := NewHTTP(HTTPConfig{Addr: tt.addr, Secret: secret.Secret("s"), Log: slog.New(slog.NewJSONHandler(logs, nil))})
		if err != nil {
			t.Fatalf("%s: %v", tt.addr, err)
		}
		_ = src.l.Close()
		if got := strings.Contains(logs.String(), "without TLS"); got != tt.warn {
			t.Errorf("%s: warned = %v, want %v (log: %s)", tt.addr, got, tt.warn, logs.String())
		}
	}
}
