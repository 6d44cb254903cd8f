package watch_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/notify/route"

	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// Hostile inputs and broken environments against the whole service: each
// test is an attack or a fault that once blinded or flooded watch.

// readyz is the status /readyz answers.
func readyz(t *testing.T, addr string) int {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A store that answers pings but fails every write (corrupt, read-only)
// must not be reported ready: ready means able to record. Once writes
// succeed again, so does /readyz.
func TestHostileReadyzFollowsStoreWrites(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "rw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	rc := newReceiver(t)
	src, err := source.NewDir(source.DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{src},
		Targets: []watch.Target{rc.target(t)}, Logger: log, Backoff: fastBackoff(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	// Every table a batch writes refuses every write, as a corrupt
	// database would; reads and pings still work.
	tables := []string{"watch_seen", "watch_checkpoints", "watch_outbox", "watch_groups", "watch_alarms"}
	for _, tbl := range tables {
		for _, op := range []string{"INSERT", "UPDATE"} {
			if _, err := st.DB().ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER corrupt_%s_%s BEFORE %s ON %s
				BEGIN SELECT RAISE(ABORT, 'database disk image is malformed'); END`, tbl, op, op, tbl)); err != nil {
				t.Fatal(err)
			}
		}
	}
	start(t, svc)
	writeLogFile(t, dir, "a.json", []string{rootEvent("ready-1", "203.0.113.90", time.Now())})
	waitLog(ctx, t, logs, "malformed")
	if got := readyz(t, svc.Addr()); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d while every batch fails, want 503", got)
	}
	for _, tbl := range tables {
		for _, op := range []string{"INSERT", "UPDATE"} {
			if _, err := st.DB().ExecContext(ctx, fmt.Sprintf(`DROP TRIGGER corrupt_%s_%s`, tbl, op)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := rc.waitEvents(ctx, []string{"ready-1"}); err != nil {
		t.Fatal(err)
	}
	for readyz(t, svc.Addr()) != http.StatusOK {
		select {
		case <-ctx.Done():
			t.Fatal("/readyz never came back after the store recovered")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// /healthz, /readyz and /metrics on every interface are said out loud.
func TestHostileListenEverywhereWarns(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		listen string
		warn   bool
	}{{"127.0.0.1:0", false}, {":0", true}} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "rw.db"))
		if err != nil {
			t.Fatal(err)
		}
		logs := &logBuffer{}
		rc := newReceiver(t)
		svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{rc.target(t)},
			Logger: slog.New(slog.NewJSONHandler(logs, nil)), Listen: tt.listen})
		if err != nil {
			t.Fatal(err)
		}
		start(t, svc)
		svc.Stop()
		st.Close()
		if got := logs.contains("without TLS"); got != tt.warn {
			t.Errorf("--listen %s: warned = %v, want %v", tt.listen, got, tt.warn)
		}
	}
}

// A file watch cannot read is an alert of its own, at the error level,
// through the outbox, once however many scans find it.
func TestHostileUnreadableInputAlerts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "a.json")); err != nil {
		t.Fatal(err)
	}
	writeLogFile(t, dir, "b.json", []string{rootEvent("unr-1", "203.0.113.91", time.Now())})
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "rw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rc := newReceiver(t)
	var ops collectNotifier
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{dirSource(t, dir)},
		Targets: []watch.Target{{Name: "log", Notifier: rc.target(t).Notifier, Wants: func(a alert.Alert) bool {
			return a.Rule != alert.RuleInputUnreadable // the test receiver wants event IDs
		}}, {Name: "ops", Notifier: &ops, Wants: func(a alert.Alert) bool {
			return a.Rule == alert.RuleInputUnreadable && route.Of(a) == route.LevelError
		}}},
		Logger: testLogger(t), Backoff: fastBackoff()})
	if err != nil {
		t.Fatal(err)
	}
	start(t, svc)
	if err := rc.waitEvents(ctx, []string{"unr-1"}); err != nil {
		t.Fatal(err)
	}
	writeLogFile(t, dir, "c.json", []string{rootEvent("unr-2", "203.0.113.92", time.Now())})
	if err := rc.waitEvents(ctx, []string{"unr-2"}); err != nil {
		t.Fatal(err)
	}
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Rule == alert.RuleInputUnreadable {
			n++
			if r.Notifier != "ops" || !strings.Contains(r.Alert.Title, "a.json") {
				t.Errorf("unreadable alert %+v", r)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d input-unreadable outbox rows, want exactly 1", n)
	}
}

// collectNotifier accepts every alert and keeps it.
type collectNotifier struct {
	mu  sync.Mutex
	got []alert.Alert
}

func (c *collectNotifier) Notify(_ context.Context, a alert.Alert) error {
	c.mu.Lock()
	c.got = append(c.got, a)
	c.mu.Unlock()
	return nil
}

// One authenticated request with hundreds of thousands of root events
// made one alert listing every event ID (1.4 GB). Now an alert lists at
// most detect.MaxAlertEventIDs, a batch turns at most
// detect.MaxBatchMatches into alerts one by one, and every event is still
// counted in some alert.
func TestHostileFloodBoundedAlerts(t *testing.T) {
	ctx := context.Background()
	const events = 5000
	for _, tt := range []struct {
		name    string
		ip      func(i int) string
		maxRows int
	}{
		{"one session", func(int) string { return "203.0.113.50" }, 2},
		{"a session per event", func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255) }, detect.MaxBatchMatches + 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "rw.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{{Name: "c", Notifier: &collectNotifier{}}},
				Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			recs := make([]string, events)
			for i := range recs {
				recs[i] = rootEvent(fmt.Sprint("flood-", i), tt.ip(i), now.Add(time.Duration(i)*time.Millisecond))
			}
			body := []byte(`{"Records":[` + strings.Join(recs, ",") + `]}`)
			err = svc.Sink().Deliver(ctx, source.Batch{Source: "test", Name: "flood", Received: now,
				Records: func(fn func([]byte) error) error {
					_, err := cloudtrail.Decode(bytes.NewReader(body), "flood", fn)
					return err
				}})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := st.ListOutbox(ctx, store.OutboxFilter{Limit: 100000})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) > tt.maxRows {
				t.Errorf("%d alerts, want at most %d", len(rows), tt.maxRows)
			}
			counted := 0
			for _, r := range rows {
				if len(r.Alert.EventIDs) > detect.MaxAlertEventIDs {
					t.Errorf("alert %s lists %d event IDs", r.AlertID, len(r.Alert.EventIDs))
				}
				if r.Alert.EventsOmitted > 0 && !strings.Contains(r.Alert.ScanHint, "rootwatch scan --since") {
					t.Errorf("alert %s omits %d events without saying how to list them", r.AlertID, r.Alert.EventsOmitted)
				}
				counted += r.Alert.EventCount
			}
			if counted != events {
				t.Errorf("alerts count %d events, want all %d", counted, events)
			}
		})
	}
}
