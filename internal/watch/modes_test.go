package watch_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, alert.Alert) error { return nil }

func batch(records ...string) source.Batch {
	return source.Batch{Source: "test", Name: "test batch", Received: time.Now(),
		Records: func(fn func([]byte) error) error {
			for _, r := range records {
				if err := fn([]byte(r)); err != nil {
					return err
				}
			}
			return nil
		}}
}

func outbox(t *testing.T, st *store.Store) []store.OutboxItem {
	t.Helper()
	items, err := st.ListOutbox(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// Alarm mode: ALARM within the period of the first root event, silent for
// the next ones, OK once a quiet period has passed.
func TestAlarmMode(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 1, 0, 0, time.UTC)}
	st := storetest.SQLite(t)
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{{Name: "n", Notifier: nopNotifier{}}},
		Mode: watch.ModeAlarm, Now: clock.Now, Logger: testLogger(t), TickEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	sink := svc.Sink()
	if err := sink.Deliver(ctx, batch(rootEvent("a1", "203.0.113.1", clock.Now()), noiseEvent("n1", clock.Now()))); err != nil {
		t.Fatal(err)
	}
	items := outbox(t, st)
	if len(items) != 1 || items[0].Alert.Kind != alert.KindAlarm || items[0].Alert.State != detect.StateAlarm ||
		items[0].Alert.EventIDs[0] != "a1" {
		t.Fatalf("after the first root event: %+v", items)
	}
	clock.Add(time.Minute)
	if err := sink.Deliver(ctx, batch(rootEvent("a2", "203.0.113.2", clock.Now()))); err != nil {
		t.Fatal(err)
	}
	if n := len(outbox(t, st)); n != 1 {
		t.Fatalf("a second root event inside the period notified again: %d alerts", n)
	}
	clock.Add(10 * time.Minute)
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	items = outbox(t, st)
	if len(items) != 2 || items[0].Alert.State != detect.StateOK || items[0].Alert.PreviousState != detect.StateAlarm {
		t.Fatalf("after a quiet period: %+v", items)
	}
}

// Event mode: follow-up events of a session are sent by the tick after the
// flush delay, in one alert.
func TestEventModeFollowUp(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st := storetest.SQLite(t)
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{{Name: "n", Notifier: nopNotifier{}}},
		Now: clock.Now, Logger: testLogger(t), TickEvery: time.Hour,
		Group: detect.GroupPolicy{Window: time.Hour, FlushDelay: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	sink := svc.Sink()
	ev := func(id string) string { return rootEvent(id, "203.0.113.9", clock.Now()) }
	for _, b := range []source.Batch{batch(ev("s1")), batch(ev("s2")), batch(ev("s3"), ev("s2"))} {
		if err := sink.Deliver(ctx, b); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
	}
	if n := len(outbox(t, st)); n != 1 {
		t.Fatalf("%d alerts before the flush, want 1", n)
	}
	clock.Add(time.Minute)
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	items := outbox(t, st)
	if len(items) != 2 || strings.Join(items[0].Alert.EventIDs, ",") != "s2,s3" || items[0].Alert.Details["session"] != items[1].AlertID {
		t.Fatalf("follow-up: %+v", items)
	}
}

type fakeAuditor struct {
	results [][]watch.ChainResult
	err     error
	run     int
}

func (f *fakeAuditor) Audit(context.Context) ([]watch.ChainResult, error) {
	if f.err != nil {
		return nil, f.err
	}
	r := f.results[min(f.run, len(f.results)-1)]
	f.run++
	return r, nil
}

func TestNewRejects(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	good := []watch.Target{{Name: "n", Notifier: nopNotifier{}}}
	for name, o := range map[string]watch.Options{
		"no store":     {Targets: good},
		"no notifier":  {Store: st},
		"bad mode":     {Store: st, Targets: good, Mode: "loud"},
		"dup notifier": {Store: st, Targets: append(good, good...)},
		"bad correct":  {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Correct: "maybe"}},
		"ask without fix": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Correct: watch.CorrectAsk,
			Policy: watch.Policy{Approvers: []string{"os:alice@bastion"}}}},
		"ask without approver": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Corrector: &fakeCorrector{},
			Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{"alice@example.com"}}}},
		"default not allowed": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Corrector: &fakeCorrector{},
			Policy: watch.Policy{Default: watch.ActionCorrect, Actions: []string{watch.ActionNotify, watch.ActionAsk}}}},
		"bad action": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Corrector: &fakeCorrector{},
			Policy: watch.Policy{Default: "fix"}}},
		"bad approver": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Corrector: &fakeCorrector{},
			Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{"alice"}}}},
		"bad account policy": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Corrector: &fakeCorrector{},
			Policy: watch.Policy{Accounts: []watch.AccountPolicy{{Match: []string{"["}, Default: watch.ActionSkip}}}}},
		"bad OU ID": {Store: st, Targets: good, Audit: &watch.AuditOptions{Auditor: &fakeAuditor{}, Corrector: &fakeCorrector{},
			Policy: watch.Policy{Accounts: []watch.AccountPolicy{{Match: []string{"ou-prod"}, Default: watch.ActionSkip}}}}},
		"port in use": {Store: st, Targets: good, Listen: "256.0.0.1:1"},
	} {
		if _, err := watch.New(ctx, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
