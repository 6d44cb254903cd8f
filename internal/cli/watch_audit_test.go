package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// fixEngine is watch's auditor and corrector over the fake cloud, with
// its store (closed when the test ends) and journal.
func (e *fixEnv) fixEngine(t *testing.T) (*fixEngine, *store.Store, *store.Journal) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, e.store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	j, err := store.OpenJournal(ctx, st, e.factory(nil, nil).Now)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fix.ParseSubscribe(fixQueue)
	if err != nil {
		t.Fatal(err)
	}
	return &fixEngine{
		opts:    fix.Options{Endpoints: []fix.Endpoint{sub}},
		read:    func(context.Context) (awsread.Dialer, error) { return e.c.Dialer(fixAccount), nil },
		write:   func(context.Context, string, string, string) (fix.Dialer, error) { return e.c.WriteDialer(), nil },
		collect: awsread.Options{Regions: []string{fixRegion}, Retry: fastRetry},
		journal: j,
	}, st, j
}

// The scheduled audit and corrector over the fake cloud: a deleted metric
// filter is found, the proposed fix is what gets applied (journaled), and
// the next audit passes. A plan that no longer matches is refused.
func TestFixEngine(t *testing.T) {
	ctx := context.Background()
	e := newFixEnv(t)
	eng, _, j := e.fixEngine(t)
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

// TestFixEngineJudgesPatternsAsAudit: watch --audit-every runs the same
// evaluation as audit, so a filter that also counts non-root events is a
// broken chain there too, with the example event, and a broader but
// root-only filter is not.
func TestFixEngineJudgesPatternsAsAudit(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		pattern, status, want string
	}{
		{`{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS) || $.eventType != "AwsServiceEvent" }`, watch.ChainFail, `counts events that are not root's, so ordinary activity raises the alarm and a root use then causes no new notification; it counts e.g. {"userIdentity":{"type":"IAMUser"`},
		{`{ $.userIdentity.type = "Root" }`, watch.ChainPass, ""},
	} {
		e := newFixEnv(t)
		e.c.Edit(func(c *awsfake.Cloud) {
			c.Accounts[fixAccount].Region(fixRegion).LogGroups[awsfake.ChainLogGroup].Filters[cis.FilterName].FilterPattern = aws.String(tt.pattern)
		})
		eng := &fixEngine{
			read:    func(context.Context) (awsread.Dialer, error) { return e.c.Dialer(fixAccount), nil },
			collect: awsread.Options{Regions: []string{fixRegion}, Retry: fastRetry},
		}
		results, err := eng.Audit(ctx)
		if err != nil || len(results) != 1 || results[0].Status != tt.status || !strings.Contains(results[0].Detail, tt.want) {
			t.Errorf("%s: %+v, %v", tt.pattern, results, err)
		}
		if tt.status == watch.ChainFail && results[0].Broken != "metric-filter" {
			t.Errorf("broken link = %q, want metric-filter", results[0].Broken)
		}
	}
}
