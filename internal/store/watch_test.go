package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// backends runs f against SQLite and PostgreSQL.
func backends(t *testing.T, f func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { f(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, storetest.Postgres(t)) })
}

func tx(t *testing.T, s *store.Store, fn func(*sql.Tx) error) {
	t.Helper()
	if err := s.Tx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func testAlert(id string) alert.Alert {
	return alert.Alert{ID: id, Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical,
		Title: "Root user activity: " + id, Account: "111122223333", EventIDs: []string{"e-" + id}}
}

func TestWatchTables(t *testing.T) {
	backends(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t.Run("seen", func(t *testing.T) {
			var first, second bool
			tx(t, s, func(tx *sql.Tx) (err error) { first, err = s.MarkSeen(ctx, tx, "ev-1", t0); return })
			tx(t, s, func(tx *sql.Tx) (err error) { second, err = s.MarkSeen(ctx, tx, "ev-1", t0); return })
			if !first || second {
				t.Errorf("MarkSeen new=%v then %v, want true then false", first, second)
			}
			if n, err := s.PruneSeen(ctx, t0.Add(time.Second)); err != nil || n != 1 {
				t.Errorf("PruneSeen = %d, %v", n, err)
			}
		})
		t.Run("checkpoints", func(t *testing.T) {
			if _, ok, err := s.Checkpoint(ctx, "dir:/x"); ok || err != nil {
				t.Fatalf("missing checkpoint: ok %v err %v", ok, err)
			}
			tx(t, s, func(tx *sql.Tx) error { return s.SetCheckpoint(ctx, tx, "dir:/x/a", "1", t0) })
			tx(t, s, func(tx *sql.Tx) error { return s.SetCheckpoint(ctx, tx, "dir:/x/a", "2", t0) })
			tx(t, s, func(tx *sql.Tx) error { return s.SetCheckpoint(ctx, tx, "dir:/y/b", "3", t0) })
			v, ok, err := s.Checkpoint(ctx, "dir:/x/a")
			if v != "2" || !ok || err != nil {
				t.Errorf("Checkpoint = %q %v %v", v, ok, err)
			}
			m, err := s.CheckpointsWithPrefix(ctx, "dir:/x/")
			if err != nil || len(m) != 1 || m["dir:/x/a"] != "2" {
				t.Errorf("CheckpointsWithPrefix = %v, %v", m, err)
			}
		})
		t.Run("groups and alarms", func(t *testing.T) {
			var g *detect.Group
			tx(t, s, func(tx *sql.Tx) (err error) { g, err = s.LockGroup(ctx, tx, "k"); return })
			if g != nil {
				t.Fatalf("new key has a group: %+v", g)
			}
			want := &detect.Group{Key: "k", Rule: "r", Parts: 1, FlushAt: t0, Touched: t0,
				Pending: []detect.Match{{Rule: "r", Event: detect.Event{ID: "p", Raw: []byte(`{"a":1}`)}}}}
			tx(t, s, func(tx *sql.Tx) error { return s.SaveGroup(ctx, tx, want) })
			if keys, err := s.GroupsDue(ctx, t0, t0.Add(-time.Hour)); err != nil || len(keys) != 1 {
				t.Errorf("GroupsDue = %v, %v", keys, err)
			}
			tx(t, s, func(tx *sql.Tx) (err error) { g, err = s.LockGroup(ctx, tx, "k"); return })
			if g == nil || g.Parts != 1 || len(g.Pending) != 1 || string(g.Pending[0].Event.Raw) != `{"a":1}` {
				t.Errorf("group round trip = %+v", g)
			}
			tx(t, s, func(tx *sql.Tx) error { return s.DeleteGroup(ctx, tx, "k") })

			a := &detect.AlarmState{Key: "r|1", State: detect.StateAlarm, Datapoints: map[int64]detect.Datapoint{300: {Sum: 2}}}
			tx(t, s, func(tx *sql.Tx) error { return s.SaveAlarm(ctx, tx, a) })
			var got *detect.AlarmState
			tx(t, s, func(tx *sql.Tx) (err error) { got, err = s.LockAlarm(ctx, tx, "r|1"); return })
			if got == nil || got.State != detect.StateAlarm || got.Datapoints[300].Sum != 2 {
				t.Errorf("alarm round trip = %+v", got)
			}
			if keys, err := s.AlarmKeys(ctx); err != nil || len(keys) != 1 {
				t.Errorf("AlarmKeys = %v, %v", keys, err)
			}
		})
		t.Run("corrections", func(t *testing.T) {
			ttl := 7 * 24 * time.Hour
			c := store.Correction{ID: "c1", Account: "111122223333", Summary: "create alarm", Plan: "{}", Created: t0,
				Approvers: []string{"sec@example.com=os:alice@bastion", "slack:S0123"}, Actions: []string{"notify", "ask", "correct"}, Expires: t0.Add(ttl)}
			for i, want := range []bool{true, false} {
				if added, err := s.ProposeCorrection(ctx, c); err != nil || added != want {
					t.Errorf("propose #%d = %v, %v", i, added, err)
				}
			}
			if got, err := s.GetCorrection(ctx, "c1"); err != nil || !slices.Equal(got.Approvers, c.Approvers) ||
				!slices.Equal(got.Actions, c.Actions) || !got.Expires.Equal(c.Expires) {
				t.Errorf("round trip = %+v, %v", got, err)
			}
			if err := s.DecideCorrection(ctx, "c1", store.Decision{State: store.CorrectionApproved, By: "sec@example.com", Reason: "change 42"}, t0); err != nil {
				t.Fatal(err)
			}
			if err := s.DecideCorrection(ctx, "c1", store.Decision{State: store.CorrectionRejected, By: "bob"}, t0); !errors.Is(err, store.ErrDecided) {
				t.Errorf("second decision: %v, want ErrDecided", err)
			}
			if err := s.DecideCorrection(ctx, "nope", store.Decision{State: store.CorrectionApproved, By: "bob"}, t0); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown correction: %v, want ErrNotFound", err)
			}
			if err := s.DecideCorrection(ctx, "c1", store.Decision{State: store.CorrectionApplied}, t0); err == nil {
				t.Error("applied accepted as a decision")
			}
			if ds, err := s.Decided(ctx); err != nil || len(ds) != 1 || ds[0].Reason != "change 42" {
				t.Errorf("Decided = %+v, %v", ds, err)
			}
			for i, want := range []bool{true, false} {
				if mine, err := s.ClaimDecision(ctx, "c1", t0); err != nil || mine != want {
					t.Errorf("claim #%d = %v, %v", i, mine, err)
				}
			}
			if ds, err := s.Decided(ctx); err != nil || len(ds) != 0 {
				t.Errorf("Decided after the claim = %+v, %v", ds, err)
			}
			if err := s.FinishCorrection(ctx, "c1", store.CorrectionApplied, "ok", t0); err != nil {
				t.Fatal(err)
			}
			cs, err := s.ListCorrections(ctx, store.CorrectionApplied)
			if err != nil || len(cs) != 1 || cs[0].DecidedBy != "sec@example.com" {
				t.Errorf("ListCorrections = %+v, %v", cs, err)
			}

			// Expiry, and proposing again; a skip stands, a rejection
			// stands for as long as a proposal lives.
			for _, id := range []string{"c2", "c3", "c4"} {
				c := c
				c.ID = id
				if _, err := s.ProposeCorrection(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			_ = s.DecideCorrection(ctx, "c3", store.Decision{State: store.CorrectionSkipped, By: "alice"}, t0)
			_ = s.DecideCorrection(ctx, "c4", store.Decision{State: store.CorrectionRejected, By: "alice"}, t0)
			if ex, err := s.ExpireCorrections(ctx, t0.Add(ttl-time.Second)); err != nil || len(ex) != 0 {
				t.Errorf("expired early: %+v, %v", ex, err)
			}
			if ex, err := s.ExpireCorrections(ctx, t0.Add(ttl)); err != nil || len(ex) != 1 || ex[0].ID != "c2" || ex[0].State != store.CorrectionExpired {
				t.Errorf("expired = %+v, %v", ex, err)
			}
			later := t0.Add(ttl + time.Hour)
			for id, want := range map[string]bool{"c1": false, "c2": true, "c3": false, "c4": true} {
				c := c
				c.ID, c.Created, c.Expires = id, later, later.Add(ttl)
				if again, err := s.ProposeCorrection(ctx, c); err != nil || again != want {
					t.Errorf("%s proposed again = %v, %v; want %v", id, again, err, want)
				}
			}
			if got, _ := s.GetCorrection(ctx, "c4"); got.State != store.CorrectionProposed || got.DecidedBy != "" || !got.Created.Equal(later) {
				t.Errorf("re-proposed = %+v", got)
			}
		})
	})
}

func TestOutbox(t *testing.T) {
	backends(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b := store.Backoff{Initial: time.Second, Max: time.Minute, MaxAttempts: 3}
		for range 2 { // the second enqueue of the same alert adds nothing
			tx(t, s, func(tx *sql.Tx) error {
				_, err := s.Enqueue(ctx, tx, testAlert("a1"), []string{"webhook", "slack"}, t0)
				return err
			})
		}
		items, err := s.Claim(ctx, "r1", t0, time.Minute, 10)
		if err != nil || len(items) != 2 {
			t.Fatalf("Claim = %d items, %v", len(items), err)
		}
		if items[0].Alert.ID != "a1" || items[0].Alert.Severity != alert.SeverityCritical || items[0].Alert.EventIDs[0] != "e-a1" {
			t.Errorf("claimed alert = %+v", items[0].Alert)
		}
		if again, _ := s.Claim(ctx, "r2", t0, time.Minute, 10); len(again) != 0 {
			t.Errorf("leased rows claimed again: %d", len(again))
		}
		if err := s.MarkSent(ctx, items[0], t0); err != nil {
			t.Fatal(err)
		}
		dead, err := s.MarkFailed(ctx, items[1], t0, errors.New("503"), true, b)
		if err != nil || dead {
			t.Fatalf("MarkFailed = %v, %v", dead, err)
		}
		if due, _ := s.Claim(ctx, "r1", t0.Add(500*time.Millisecond), time.Minute, 10); len(due) != 0 {
			t.Error("failed row due before its backoff")
		}
		next, ok, err := s.NextDue(ctx)
		if err != nil || !ok || next.Before(t0.Add(800*time.Millisecond)) || next.After(t0.Add(1200*time.Millisecond)) {
			t.Errorf("NextDue = %v %v %v", next, ok, err)
		}
		// Fail until the attempts run out: dead, visible, retryable.
		now := t0
		for i := 0; ; i++ {
			now = now.Add(time.Hour)
			due, err := s.Claim(ctx, "r1", now, time.Minute, 10)
			if err != nil || len(due) != 1 {
				t.Fatalf("attempt %d: %d due, %v", i, len(due), err)
			}
			if dead, err = s.MarkFailed(ctx, due[0], now, errors.New("503"), true, b); err != nil {
				t.Fatal(err)
			}
			if dead {
				break
			}
		}
		deadRows, _ := s.ListOutbox(ctx, store.OutboxFilter{State: store.OutboxDead})
		if len(deadRows) != 1 || deadRows[0].Attempts != 3 || deadRows[0].LastError != "503" {
			t.Fatalf("dead rows = %+v", deadRows)
		}
		counts, _ := s.OutboxCounts(ctx)
		if counts[store.OutboxSent] != 1 || counts[store.OutboxDead] != 1 {
			t.Errorf("counts = %v", counts)
		}
		if n, err := s.Retry(ctx, "a1", now); err != nil || n != 1 {
			t.Fatalf("Retry = %d, %v", n, err)
		}
		due, _ := s.Claim(ctx, "r1", now, time.Minute, 10)
		if len(due) != 1 {
			t.Fatalf("retried row not due: %d", len(due))
		}
		// A permanent failure is dead at once.
		if dead, _ := s.MarkFailed(ctx, due[0], now, errors.New("404"), false, b); !dead {
			t.Error("permanent failure not dead")
		}
	})
}

func TestOutboxLeaseExpiry(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	tx(t, s, func(tx *sql.Tx) error { _, err := s.Enqueue(ctx, tx, testAlert("a"), []string{"w"}, t0); return err })
	first, _ := s.Claim(ctx, "dead-replica", t0, time.Minute, 10)
	// The owner died; after the lease another replica takes the row over,
	// and the late owner can no longer record an outcome.
	second, _ := s.Claim(ctx, "r2", t0.Add(2*time.Minute), time.Minute, 10)
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("claims %d then %d", len(first), len(second))
	}
	if err := s.MarkSent(ctx, first[0], t0); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("late owner MarkSent: %v, want ErrLeaseLost", err)
	}
	if err := s.MarkSent(ctx, second[0], t0); err != nil {
		t.Error(err)
	}
}

// Replicas claiming from one PostgreSQL outbox at once never get the same row.
func TestOutboxConcurrentClaimPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var stores []*store.Store
	for range 4 {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.MigrateWatch(ctx); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	const n = 200
	tx(t, stores[0], func(tx *sql.Tx) error {
		for i := range n {
			if _, err := stores[0].Enqueue(ctx, tx, testAlert(fmt.Sprint(i)), []string{"w"}, t0); err != nil {
				return err
			}
		}
		return nil
	})
	var (
		mu   sync.Mutex
		seen = map[string]string{}
		wg   sync.WaitGroup
	)
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprint("r", i)
			for {
				items, err := s.Claim(ctx, owner, t0, time.Minute, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(items) == 0 {
					return
				}
				mu.Lock()
				for _, it := range items {
					if prev, dup := seen[it.ID]; dup {
						t.Errorf("%s claimed by %s and %s", it.ID, prev, owner)
					}
					seen[it.ID] = owner
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d rows, want %d", len(seen), n)
	}
}

// A full disk fails the write with a clear error; nothing is half-written.
func TestOutboxDiskFull(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	var pages int
	if err := s.DB().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// SQLite reports SQLITE_FULL ("database or disk is full") when it
	// cannot grow the file: the same path a full disk takes.
	if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	big := testAlert("big")
	big.Summary = string(make([]byte, 64<<10))
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.MarkSeen(ctx, tx, "ev-big", t0); err != nil {
			return err
		}
		_, err := s.Enqueue(ctx, tx, big, []string{"w"}, t0)
		return err
	})
	if err == nil {
		t.Fatal("write to a full store succeeded")
	}
	t.Logf("error: %v", err)
	if !containsAny(err.Error(), "full") {
		t.Errorf("error does not say the store is full: %v", err)
	}
	if _, err := s.DB().ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	var seen bool
	tx(t, s, func(tx *sql.Tx) (err error) { seen, err = s.MarkSeen(ctx, tx, "ev-big", t0); return })
	if !seen {
		t.Error("the failed transaction left its seen row behind: the event would never alert")
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}
