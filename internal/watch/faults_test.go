package watch_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Contains(l.b.String(), s)
}

func waitLog(ctx context.Context, t *testing.T, l *logBuffer, s string) {
	t.Helper()
	for !l.contains(s) {
		select {
		case <-ctx.Done():
			t.Fatalf("log never said %q", s)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// The store is full (SQLite's "database or disk is full", the same error a
// full disk gives): the batch is not recorded, the error is logged clearly,
// and once there is room the file is read again and its alert delivered.
func TestStoreFull(t *testing.T) {
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
	src, _ := source.NewDir(source.DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1, Log: log})
	rc := newReceiver(t)
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{src}, Targets: []watch.Target{rc.target(t)},
		Logger: log, Backoff: fastBackoff()})
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := st.DB().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	start(t, svc)
	big := make([]string, 0, 300)
	var ids []string
	for i := range 300 {
		id := fmt.Sprint("full-", i)
		ids = append(ids, id)
		big = append(big, rootEvent(id, "203.0.113.77", time.Now()))
	}
	writeLogFile(t, dir, "big.json", big)
	waitLog(ctx, t, logs, "database or disk is full")
	if _, err := st.DB().ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	// One session: its alert lists the first detect.MaxAlertEventIDs and
	// counts the rest.
	if err := rc.waitEvents(ctx, ids[:detect.MaxAlertEventIDs]); err != nil {
		t.Fatal(err)
	}
}

// Another process holds the SQLite file locked past the busy timeout: the
// batch fails with "database is locked" in the log, nothing is marked done,
// and after the lock is released the alert is delivered.
func TestStoreLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the store's 10 s busy timeout")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	path := filepath.Join(t.TempDir(), "rw.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	src, _ := source.NewDir(source.DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1, Log: log})
	rc := newReceiver(t)
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{src}, Targets: []watch.Target{rc.target(t)},
		Logger: log, Backoff: fastBackoff()})
	if err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	start(t, svc)
	writeLogFile(t, dir, "a.json", []string{rootEvent("locked-1", "203.0.113.78", time.Now())})
	waitLog(ctx, t, logs, "database is locked")
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	if err := rc.waitEvents(ctx, []string{"locked-1"}); err != nil {
		t.Fatal(err)
	}
}

// Two replicas share one PostgreSQL store and read the same files (as two
// consumers of one queue would see redeliveries): every event is alerted
// once, and no alert is delivered twice.
func TestReplicasPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dsn := storetest.PostgresDSN(t)
	dir := t.TempDir()
	rc := newReceiver(t)
	for i := range 2 {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{dirSource(t, dir)},
			Targets: []watch.Target{rc.target(t)}, Logger: testLogger(t), Backoff: fastBackoff(), Owner: fmt.Sprint("replica-", i)})
		if err != nil {
			t.Fatal(err)
		}
		start(t, svc)
	}
	var ids []string
	now := time.Now()
	for i := range 40 {
		id := fmt.Sprint("pg-", i)
		ids = append(ids, id)
		writeLogFile(t, dir, id+".json", []string{rootEvent(id, fmt.Sprint("192.0.2.", i), now)})
	}
	if err := rc.waitEvents(ctx, ids); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	alerts := len(rc.accepted)
	rc.mu.Unlock()
	if alerts != 40 {
		t.Errorf("%d alerts for 40 sessions", alerts)
	}
	if d := rc.duplicates(); d != 0 {
		t.Errorf("%d duplicate deliveries across replicas", d)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, id := range ids {
		if n := rc.events[id]; n != 1 {
			t.Errorf("event %s in %d alerts", id, n)
		}
	}
}
