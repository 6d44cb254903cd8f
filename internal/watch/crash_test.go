package watch_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/secret"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// TestWatchProcessHelper is the watch process the crash tests start and
// kill; it does nothing in an ordinary test run.
func TestWatchProcessHelper(t *testing.T) {
	if os.Getenv("ROOTWATCH_CRASH_HELPER") != "1" {
		t.Skip("helper process for TestKill9MidBatch")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv("ROOTWATCH_CRASH_STORE"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.NewDir(source.DirConfig{Path: os.Getenv("ROOTWATCH_CRASH_DIR"), Interval: 5 * time.Millisecond, Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	n, err := webhook.New(webhook.Config{URL: secret.Secret(os.Getenv("ROOTWATCH_CRASH_URL"))}, webhook.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	// The replica test names the owner and lengthens the lease so that
	// deliveries stay leased, in flight, until the kill.
	lease, timeout := 2*time.Second, time.Second
	if v := os.Getenv("ROOTWATCH_CRASH_LEASE"); v != "" {
		if lease, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
		timeout = lease - lease/4
	}
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{src},
		Targets: []watch.Target{{Name: "webhook", Notifier: n}}, Logger: testLogger(t),
		Backoff: fastBackoff(), Lease: lease, NotifyTimeout: timeout, Owner: os.Getenv("ROOTWATCH_CRASH_OWNER")})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// kill -9 in the middle of reading files and delivering alerts, then a
// restart: every event reaches the receiver, and the only alerts delivered
// twice are those that were in flight at the kill (the at-least-once
// window: delivered, not yet marked sent).
func TestKill9MidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o700); err != nil {
		t.Fatal(err)
	}
	rc := newReceiver(t)
	// A slow receiver keeps deliveries in flight when the kill lands.
	slow := rc.srv.Config.Handler
	rc.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * time.Millisecond) // the receiver's work, not test synchronisation
		slow.ServeHTTP(w, r)
	})
	const files, perFile = 150, 4
	var ids []string
	now := time.Now()
	for i := range files {
		var recs []string
		for j := range perFile {
			id := fmt.Sprintf("k%d-%d", i, j)
			ids = append(ids, id)
			recs = append(recs, rootEvent(id, fmt.Sprintf("198.51.%d.%d", i/250, i%250), now.Add(time.Duration(j)*time.Second)))
			recs = append(recs, noiseEvent("noise-"+id, now))
		}
		writeLogFile(t, logs, fmt.Sprintf("f%03d.json", i), recs)
	}
	startChild := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWatchProcessHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "ROOTWATCH_CRASH_HELPER=1", "ROOTWATCH_CRASH_STORE="+filepath.Join(dir, "rw.db"),
			"ROOTWATCH_CRASH_DIR="+logs, "ROOTWATCH_CRASH_URL="+rc.srv.URL+"/hook")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	child := startChild()
	// Kill as soon as a part of the alerts arrived.
	for {
		rc.mu.Lock()
		got := len(rc.accepted)
		rc.mu.Unlock()
		if got >= files/5 {
			break
		}
		select {
		case <-ctx.Done():
			child.Process.Kill()
			t.Fatalf("child delivered only %d alerts", got)
		case <-rc.changed:
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	rc.mu.Lock()
	atKill := len(rc.accepted)
	rc.mu.Unlock()
	if atKill >= files {
		t.Fatalf("everything was delivered before the kill (%d alerts); the test proves nothing", atKill)
	}
	child = startChild()
	defer func() {
		_ = child.Process.Signal(syscall.SIGTERM)
		_ = child.Wait()
	}()
	if err := rc.waitEvents(ctx, ids); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	alerts := len(rc.accepted)
	rc.mu.Unlock()
	if alerts != files {
		t.Errorf("receiver got %d distinct alerts, want %d (one per file's session)", alerts, files)
	}
	// The dispatcher delivers at most 8 at once: that bounds the window.
	if d := rc.duplicates(); d > 8 {
		t.Errorf("%d duplicate deliveries after kill -9, more than the 8 that can be in flight", d)
	} else {
		t.Logf("killed after %d of %d alerts; %d delivered twice (in flight at the kill)", atKill, files, d)
	}
}
