package watch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// Per-OU policy as an organization runs it: the sandbox OU is corrected
// at once. While Organizations cannot say where the account sits, nothing
// is corrected and the run says why; a decision is not taken before this
// process has placed the account (after a restart), then it is.
func TestOUPolicy(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st := storetest.SQLite(t)
	const sandbox = "ou-ab12-33333333"
	placed := func(r watch.ChainResult, ous ...string) watch.ChainResult {
		r.OUs, r.OUsKnown = ous, len(ous) > 0
		return r
	}
	unknown := fail(acctA, "alarm", "no alarm")
	inSandbox := placed(fail(acctA, "alarm", "no alarm"), "r-ab12", sandbox)
	auditor := &fakeAuditor{results: [][]watch.ChainResult{{unknown}}}
	corr := &fakeCorrector{}
	policy := watch.Policy{Default: watch.ActionAsk, Approvers: []string{alice},
		Accounts: []watch.AccountPolicy{{Match: []string{sandbox}, Default: watch.ActionCorrect}}}
	newService := func() *watch.Service {
		svc, err := watch.New(ctx, watch.Options{Store: st, Targets: levelTargets(t), Now: clock.Now, Logger: testLogger(t),
			TickEvery: time.Hour, Audit: &watch.AuditOptions{Auditor: auditor, Corrector: corr, Policy: policy}})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := newService()
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if cs, _ := st.ListCorrections(ctx, ""); len(cs) != 0 || corr.appliedCount() != 0 {
		t.Fatalf("OUs unknown, yet corrections %+v, %d applied", cs, corr.appliedCount())
	}
	said := false
	for _, it := range outbox(t, st) {
		said = said || strings.Contains(it.Alert.Summary, acctA+" FAIL alarm (notify only: account "+acctA+": its organizational units are unknown")
	}
	if !said {
		t.Error("the run summary does not say why the account was not corrected")
	}

	auditor.results, auditor.run = [][]watch.ChainResult{{inSandbox}}, 0
	clock.Add(time.Minute)
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := corr.appliedCount(); n != 1 {
		t.Fatalf("sandbox account: %d applied, want 1", n)
	}

	// An approver decides a proposal for an account of the default
	// policy; a restarted watch waits for its first audit to place the
	// account before it carries the decision out.
	other := placed(fail(acctB, "alarm", "no alarm"), "r-ab12")
	auditor.results, auditor.run = [][]watch.ChainResult{{placed(pass(acctA), "r-ab12", sandbox), other}}, 0
	clock.Add(time.Minute)
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	cs, _ := st.ListCorrections(ctx, store.CorrectionProposed)
	if len(cs) != 1 || cs[0].Account != acctB {
		t.Fatalf("proposed: %+v", cs)
	}
	if err := st.DecideCorrection(ctx, cs[0].ID, store.Decision{State: store.CorrectionApproved, By: alice}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	restarted := newService()
	restarted.ProcessDecisions(ctx)
	if got, _ := st.GetCorrection(ctx, cs[0].ID); got.State != store.CorrectionApproved || corr.appliedCount() != 1 {
		t.Fatalf("decided before the account was placed: %s, %d applied", got.State, corr.appliedCount())
	}
	if err := restarted.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.GetCorrection(ctx, cs[0].ID); got.State != store.CorrectionApplied || corr.appliedCount() != 2 {
		t.Fatalf("after the first audit: %s, %d applied; want applied", got.State, corr.appliedCount())
	}
}
