package watch_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/secret"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// holder answers nothing on its path until the caller goes away: the
// deliveries of the replica that posts there stay in flight, leased to it,
// for as long as the test wants. It signals when parallel requests are
// held at once.
type holder struct {
	mu       sync.Mutex
	held     int
	parallel int
	full     chan struct{} // closed when held first reaches parallel
	done     chan struct{} // closed when the test ends
}

func (h *holder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.held++
	if h.held == h.parallel && h.full != nil {
		close(h.full)
		h.full = nil
	}
	h.mu.Unlock()
	// With the body read, the server notices the client going away.
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done(): // the replica timed out or died: nothing accepted
	case <-h.done:
	}
	h.mu.Lock()
	h.held--
	h.mu.Unlock()
}

// Two replicas share one PostgreSQL store. Replica A (a process) holds a
// full batch of deliveries in flight, leased to it, when it is killed with
// SIGKILL; replica B (running meanwhile) delivers everything else at once
// and A's leased rows as soon as their lease runs out, never before (no
// duplicate while A might still deliver) and within the lease of the
// kill. Nothing is lost and nothing is delivered twice.
func TestReplicaKilledLeasesTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess and PostgreSQL")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dsn := storetest.PostgresDSN(t)
	dir := t.TempDir()
	const lease = 3 * time.Second
	const parallel = 8 // the dispatcher's deliveries in flight per replica
	const files = 40
	var ids []string
	now := time.Now()
	for i := range files {
		id := fmt.Sprint("take-", i)
		ids = append(ids, id)
		writeLogFile(t, dir, id+".json", []string{noiseEvent("n-"+id, now), rootEvent(id, fmt.Sprint("203.0.113.", i), now)})
	}

	rc := newReceiver(t)
	hold := &holder{parallel: parallel, full: make(chan struct{}), done: make(chan struct{})}
	full := hold.full
	mux := http.NewServeMux()
	mux.Handle("/a", hold)
	mux.HandleFunc("/b", rc.serve)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hold.done) }) // before the server closes

	child := exec.Command(os.Args[0], "-test.run=^TestWatchProcessHelper$")
	child.Env = append(os.Environ(), "ROOTWATCH_CRASH_HELPER=1", "ROOTWATCH_CRASH_STORE="+dsn,
		"ROOTWATCH_CRASH_DIR="+dir, "ROOTWATCH_CRASH_URL="+srv.URL+"/a",
		"ROOTWATCH_CRASH_OWNER=replica-a", "ROOTWATCH_CRASH_LEASE="+lease.String())
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = child.Process.Kill()
			_ = child.Wait()
		}
	}()
	// Replica B, in this process, posting to the path that accepts; made
	// now so that the kill follows A's full batch at once.
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := webhook.New(webhook.Config{URL: secret.Secret(srv.URL + "/b")}, webhook.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	// B reads the same files: what A had not recorded at the kill, B
	// records; what it had, the shared checkpoints and seen table drop.
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{dirSource(t, dir)},
		Targets: []watch.Target{{Name: "webhook", Notifier: n}}, Logger: testLogger(t),
		Backoff: fastBackoff(), Owner: "replica-b", Lease: lease, NotifyTimeout: lease / 2})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-full:
	case <-ctx.Done():
		t.Fatal("replica A never had a full batch of deliveries in flight")
	}
	// B starts (it claims what is due, not what A holds), then A dies.
	errc := make(chan error, 1)
	go func() { errc <- svc.Run(ctx) }()
	stopped := false
	defer func() {
		if !stopped {
			svc.Stop()
			<-errc
		}
	}()

	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	killed = true
	killAt := time.Now()
	// A's leases as the kill left them: nobody can change them until
	// they run out.
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{State: store.OutboxPending})
	if err != nil {
		t.Fatal(err)
	}
	leased := map[string]time.Time{}
	for _, r := range rows {
		if r.LeaseOwner == "replica-a" && r.LeaseUntil.After(killAt) {
			leased[r.ID] = r.LeaseUntil
		}
	}
	if len(leased) == 0 {
		t.Fatalf("no delivery was leased to A at the kill: the test proves nothing (%d pending rows)", len(rows))
	}
	nLeased := len(leased)
	if err := rc.waitEvents(ctx, ids); err != nil {
		t.Fatal(err)
	}
	// A graceful stop records the outcome of every delivery in flight:
	// the outbox is then final.
	svc.Stop()
	stopped = true
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if d := rc.duplicates(); d != 0 {
		t.Errorf("%d alerts delivered twice", d)
	}
	rc.mu.Lock()
	for _, id := range ids {
		if c := rc.events[id]; c != 1 {
			t.Errorf("event %s in %d accepted alerts, want 1", id, c)
		}
	}
	rc.mu.Unlock()
	sent, err := st.ListOutbox(ctx, store.OutboxFilter{State: store.OutboxSent})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != files {
		t.Errorf("%d rows sent, want %d", len(sent), files)
	}
	// B polls for due rows at least every second and wakes at the
	// earliest lease's end: a taken-over row is sent within the lease of
	// the kill, plus that poll and one delivery.
	const slack = 2 * time.Second
	for _, r := range sent {
		until, ok := leased[r.ID]
		if !ok {
			continue
		}
		delete(leased, r.ID)
		if r.Sent.Before(until) {
			t.Errorf("%s sent at %s, before A's lease ran out (%s)", r.ID, r.Sent.Format(time.StampMilli), until.Format(time.StampMilli))
		}
		if r.Sent.After(killAt.Add(lease + slack)) {
			t.Errorf("%s taken over %s after the kill, want within the lease (%s) and %s", r.ID, r.Sent.Sub(killAt), lease, slack)
		}
	}
	if len(leased) != 0 {
		t.Errorf("rows leased to A never sent: %v", leased)
	}
	t.Logf("killed A with %d deliveries leased; B took them over after the lease", nLeased)
}
