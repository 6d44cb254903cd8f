package watch_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

func TestDirToWebhook(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	rc := newReceiver(t)
	st := storetest.SQLite(t)
	svc, err := watch.New(ctx, watch.Options{
		Store: st, Sources: []source.Source{dirSource(t, dir)}, Targets: []watch.Target{rc.target(t)},
		Listen: "127.0.0.1:0", Logger: testLogger(t), Backoff: fastBackoff(),
	})
	if err != nil {
		t.Fatal(err)
	}
	start(t, svc)
	now := time.Now()
	// Two root sessions (two source IPs) and noise; the same file twice
	// under another name must not alert twice.
	recs := []string{noiseEvent("n1", now), rootEvent("r1", "203.0.113.1", now), rootEvent("r2", "203.0.113.1", now.Add(time.Second)),
		rootEvent("r3", "203.0.113.2", now), noiseEvent("n2", now)}
	writeLogFile(t, dir, "a.json", recs)
	if err := rc.waitEvents(ctx, []string{"r1", "r2", "r3"}); err != nil {
		t.Fatal(err)
	}
	writeLogFile(t, dir, "copy-of-a.json", recs)
	writeLogFile(t, dir, "b.json", []string{rootEvent("r4", "203.0.113.9", now)})
	if err := rc.waitEvents(ctx, []string{"r4"}); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	alerts := len(rc.accepted)
	rc.mu.Unlock()
	if alerts != 3 {
		t.Errorf("receiver got %d alerts, want 3 (one per session)", alerts)
	}
	if d := rc.duplicates(); d != 0 {
		t.Errorf("%d duplicate deliveries", d)
	}
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/readyz":  "ready",
		"/metrics": `rootwatch_events_read_total{source="dir:`,
	} {
		resp, err := http.Get("http://" + svc.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d %q, want %q", path, resp.StatusCode, body, want)
		}
	}
}

// A receiver that is down for a while gets every alert once it is back,
// and none twice.
func TestReceiverDownThenBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	rc := newReceiver(t)
	rc.setDown(true)
	st := storetest.SQLite(t)
	// Retries every 50-500 ms: fast enough for a test, slow enough that
	// retrying does not starve the source of the store.
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{dirSource(t, dir)},
		Targets: []watch.Target{rc.target(t)}, Logger: testLogger(t),
		Backoff: store.Backoff{Initial: 50 * time.Millisecond, Max: 500 * time.Millisecond, MaxAttempts: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	start(t, svc)
	var ids []string
	now := time.Now()
	for i := range 20 {
		id := fmt.Sprint("r", i)
		ids = append(ids, id)
		writeLogFile(t, dir, id+".json", []string{rootEvent(id, fmt.Sprint("203.0.113.", i), now)})
	}
	// Wait until every alert has failed at least once.
	for {
		items, err := st.ListOutbox(ctx, store.OutboxFilter{State: store.OutboxPending})
		if err != nil {
			t.Fatal(err)
		}
		failed := 0
		for _, it := range items {
			if it.Attempts > 0 {
				failed++
			}
		}
		if failed == 20 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("only %d of 20 alerts attempted while the receiver was down", failed)
		case <-time.After(10 * time.Millisecond):
		}
	}
	rc.setDown(false)
	if err := rc.waitEvents(ctx, ids); err != nil {
		t.Fatal(err)
	}
	if d := rc.duplicates(); d != 0 {
		t.Errorf("%d duplicate deliveries", d)
	}
}

// Notifier names key the outbox's deliveries: an empty or repeated name is
// refused, even when the repeated target has no notifier.
func TestNewRefusesBadNotifierNames(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	for name, targets := range map[string][]watch.Target{
		"empty":         {{Name: "", Notifier: nopNotifier{}}},
		"repeated":      {{Name: "a", Notifier: nopNotifier{}}, {Name: "b", Notifier: nopNotifier{}}, {Name: "a", Notifier: nopNotifier{}}},
		"repeated, nil": {{Name: "a"}, {Name: "a"}},
	} {
		_, err := watch.New(ctx, watch.Options{Store: st, Targets: targets, Logger: testLogger(t)})
		if err == nil || !strings.Contains(err.Error(), "notifier names must be unique and not empty") {
			t.Errorf("%s: New: %v, want the unique-names error", name, err)
		}
	}
}
