package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// stepClock is a deterministic clock: every call is one second later.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openTestJournal(t *testing.T) (*Journal, *Store) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clk := &stepClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	j, err := OpenJournal(ctx, s, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	// Opening twice must not re-run the migration.
	if _, err := OpenJournal(ctx, s, clk.now); err != nil {
		t.Fatal(err)
	}
	return j, s
}

func TestJournalRecordsBeforeAndAfter(t *testing.T) {
	ctx := context.Background()
	j, _ := openTestJournal(t)
	run, err := j.StartRun(ctx, "fix", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	a, err := run.Begin(ctx, Change{Account: "111111111111", Region: "us-east-1", Kind: "topic", Resource: "rootwatch-root-usage", Action: "create", After: `{"name":"rootwatch-root-usage"}`})
	if err != nil {
		t.Fatal(err)
	}
	// Between Begin and Finish the change is visible as pending: this is
	// what a crash leaves behind.
	got, err := j.Changes(ctx, ChangeQuery{Account: "111111111111"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Status != ChangePending || !got[0].FinishedAt.IsZero() {
		t.Fatalf("after Begin: %+v", got)
	}
	if err := run.Finish(ctx, &a, "arn:aws:sns:us-east-1:111111111111:rootwatch-root-usage", nil); err != nil {
		t.Fatal(err)
	}
	b, err := run.Begin(ctx, Change{Account: "111111111111", Region: "us-east-1", Kind: "alarm", Resource: "RootAccountUsage", Action: "create"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(ctx, &b, "", errors.New("api error Throttling: Rate exceeded")); err != nil {
		t.Fatal(err)
	}
	c, err := run.Begin(ctx, Change{Account: "222222222222", Region: "eu-west-1", Kind: "metric-filter", Resource: "g/f", Action: "create"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Close(ctx, RunPartial); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		q    ChangeQuery
		want []string // Ref-independent: kind/status
	}{
		{"all in order", ChangeQuery{}, []string{"topic/done", "alarm/failed", "metric-filter/pending"}},
		{"by account", ChangeQuery{Account: "222222222222"}, []string{"metric-filter/pending"}},
		{"by region", ChangeQuery{Region: "us-east-1"}, []string{"topic/done", "alarm/failed"}},
		{"by status", ChangeQuery{Statuses: []string{ChangeDone, ChangePending}}, []string{"topic/done", "metric-filter/pending"}},
		{"by run", ChangeQuery{RunID: run.ID, Statuses: []string{ChangeFailed}}, []string{"alarm/failed"}},
		{"by command", ChangeQuery{Commands: []string{"fix"}, Account: "222222222222"}, []string{"metric-filter/pending"}},
		{"other command", ChangeQuery{Commands: []string{"backout"}}, nil},
		{"excluding a command", ChangeQuery{ExcludeCommands: []string{"backout"}, Region: "eu-west-1"}, []string{"metric-filter/pending"}},
		{"excluding fix", ChangeQuery{ExcludeCommands: []string{"fix"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := j.Changes(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, g := range got {
				kinds = append(kinds, g.Kind+"/"+g.Status)
			}
			if !equalStrings(kinds, tt.want) {
				t.Fatalf("got %v, want %v", kinds, tt.want)
			}
		})
	}

	all, _ := j.Changes(ctx, ChangeQuery{})
	if all[0].Result != "arn:aws:sns:us-east-1:111111111111:rootwatch-root-usage" || all[0].After != `{"name":"rootwatch-root-usage"}` {
		t.Errorf("topic change lost data: %+v", all[0])
	}
	if all[0].Command != "fix" {
		t.Errorf("command = %q, want fix", all[0].Command)
	}
	if all[1].Error != "api error Throttling: Rate exceeded" {
		t.Errorf("failed change error = %q", all[1].Error)
	}

	// A later run settles the pending change and backs out the first.
	if err := j.Resolve(ctx, &c, false, "", "filter absent on resume"); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkReverted(ctx, &a, "later/1"); err != nil {
		t.Fatal(err)
	}
	left, _ := j.Changes(ctx, ChangeQuery{Unreverted: true, Statuses: []string{ChangeDone}})
	if len(left) != 0 {
		t.Errorf("unreverted done changes = %+v, want none", left)
	}
	ab, _ := j.Changes(ctx, ChangeQuery{Statuses: []string{ChangeAbandoned}})
	if len(ab) != 1 || ab[0].Error != "filter absent on resume" {
		t.Errorf("abandoned = %+v", ab)
	}
	runs, err := j.Runs(ctx, 0)
	if err != nil || len(runs) != 1 || runs[0].Status != RunPartial || runs[0].Command != "fix" {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if err := j.MarkReverted(ctx, &Change{RunID: "nope", Seq: 1}, "x"); !errors.Is(err, ErrChangeNotFound) {
		t.Errorf("MarkReverted of a missing change: %v", err)
	}
}

// TestJournalConcurrentRun checks that accounts fixed in parallel get
// distinct sequence numbers and that nothing is lost.
func TestJournalConcurrentRun(t *testing.T) {
	ctx := context.Background()
	j, _ := openTestJournal(t)
	run, err := j.StartRun(ctx, "fix", "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c, err := run.Begin(ctx, Change{Account: "a", Region: "r", Kind: "alarm", Resource: string(rune('a' + i)), Action: "create"})
			if err != nil {
				t.Error(err)
				return
			}
			if err := run.Finish(ctx, &c, "", nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := j.Changes(ctx, ChangeQuery{Statuses: []string{ChangeDone}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("got %d changes, want 8", len(got))
	}
	for i, c := range got {
		if c.Seq != int64(i+1) {
			t.Errorf("change %d has seq %d", i, c.Seq)
		}
	}
}

// TestJournalSurvivesReopen is the crash case: a new process opening the
// same file sees what the old one recorded.
func TestJournalSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := OpenJournal(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := j.StartRun(ctx, "fix", "")
	if _, err := run.Begin(ctx, Change{Account: "a", Region: "r", Kind: "topic", Resource: "t", Action: "create"}); err != nil {
		t.Fatal(err)
	}
	s.Close() // the process dies before Finish

	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	j2, err := OpenJournal(ctx, s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := j2.Changes(ctx, ChangeQuery{Statuses: []string{ChangePending}})
	if err != nil || len(got) != 1 || got[0].Resource != "t" {
		t.Fatalf("pending after reopen = %+v, %v", got, err)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
