package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// TestJournalOnBothEngines runs the journal's whole life on SQLite and on
// a test-started PostgreSQL: the SQL is written once for both.
func TestJournalOnBothEngines(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			j, err := store.OpenJournal(ctx, open(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			run, err := j.StartRun(ctx, "fix", "--yes")
			if err != nil {
				t.Fatal(err)
			}
			a, err := run.Begin(ctx, store.Change{Account: "1", Region: "r", Kind: "topic", Resource: "t", Action: "create", After: `{"name":"t"}`})
			if err != nil {
				t.Fatal(err)
			}
			a.Before = `{"refined":true}`
			if err := run.Finish(ctx, &a, "arn", nil); err != nil {
				t.Fatal(err)
			}
			b, _ := run.Begin(ctx, store.Change{Account: "1", Region: "r", Kind: "alarm", Resource: "a", Action: "create"})
			if err := run.Finish(ctx, &b, "", errors.New("denied")); err != nil {
				t.Fatal(err)
			}
			if err := run.Close(ctx, store.RunPartial); err != nil {
				t.Fatal(err)
			}
			back, _ := j.StartRun(ctx, "backout", "--remove")
			if err := j.MarkReverted(ctx, &a, back.ID+"/1"); err != nil {
				t.Fatal(err)
			}
			got, err := j.Changes(ctx, store.ChangeQuery{Account: "1", ExcludeCommands: []string{"backout"}, Statuses: []string{store.ChangeDone, store.ChangeFailed}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Result != "arn" || got[0].Before != `{"refined":true}` || got[0].RevertedBy == "" || got[1].Error != "denied" || got[1].Command != "fix" {
				t.Fatalf("changes = %+v", got)
			}
			left, _ := j.Changes(ctx, store.ChangeQuery{Unreverted: true, Statuses: []string{store.ChangeDone}})
			if len(left) != 0 {
				t.Fatalf("unreverted = %+v", left)
			}
			runs, err := j.Runs(ctx, 1)
			if err != nil || len(runs) != 1 || runs[0].Command != "backout" {
				t.Fatalf("latest run = %+v, %v", runs, err)
			}
		})
	}
}
