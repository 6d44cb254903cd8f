package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// The scheduled audit and corrector over the fake cloud: a deleted metric
// filter is found, the proposed fix is what gets applied (journaled), and
// the next audit passes. A plan that no longer matches is refused.
func TestFixEngine(t *testing.T) {
	ctx := context.Background()
	e := newFixEnv(t)
	st, err := store.Open(ctx, e.store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j, err := store.OpenJournal(ctx, st, e.factory(nil, nil).Now)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fix.ParseSubscribe(fixQueue)
	if err != nil {
		t.Fatal(err)
	}
	eng := &fixEngine{
		opts:    fix.Options{Endpoints: []fix.Endpoint{sub}},
		read:    func(context.Context) (awsread.Dialer, error) { return e.c.Dialer(fixAccount), nil },
		write:   func(context.Context, string, string, string) (fix.Dialer, error) { return e.c.WriteDialer(), nil },
		collect: awsread.Options{Regions: []string{fixRegion}, Retry: fastRetry},
		journal: j,
		log:     nil,
	}
	results, err := eng.Audit(ctx)
	if err != nil || len(results) != 1 || results[0].Status != watch.ChainPass {
		t.Fatalf("intact chain: %+v, %v", results, err)
	}
	e.breakChain()
	results, err = eng.Audit(ctx)
	if err != nil || len(results) != 1 || results[0].Status != watch.ChainFail || results[0].Broken == "" {
		t.Fatalf("broken chain: %+v, %v", results, err)
	}
	summary, plan, err := eng.Plan(ctx, results[0])
	if err != nil || summary == "" || !strings.Contains(plan, cis.FilterName) {
		t.Fatalf("plan: %q / %q, %v", summary, plan, err)
	}
	if _, err := eng.Apply(ctx, fixAccount, plan+"tampered"); err == nil {
		t.Fatal("applied a plan that is not the one approved")
	}
	result, err := eng.Apply(ctx, fixAccount, plan)
	if err != nil {
		t.Fatalf("apply: %v (%s)", err, result)
	}
	if !strings.Contains(result, "journal run") {
		t.Errorf("result does not name the journal run: %s", result)
	}
	results, err = eng.Audit(ctx)
	if err != nil || results[0].Status != watch.ChainPass {
		t.Fatalf("after the correction: %+v, %v", results, err)
	}
	changes, err := j.Changes(ctx, store.ChangeQuery{})
	if err != nil || len(changes) == 0 {
		t.Errorf("nothing journaled: %v", err)
	}
}
