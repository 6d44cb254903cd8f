package watch_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
	"github.com/rootwatch/rootwatch/internal/watch"
)

type fakeCorrector struct {
	mu      sync.Mutex
	applied []string
	fail    error // Apply's error
	stale   bool  // Apply finds the account changed
}

func (f *fakeCorrector) Plan(_ context.Context, r watch.ChainResult) (string, string, error) {
	return "create the " + r.Broken + " in " + r.Account, "+ create " + r.Broken + " in " + r.Account + "\n", nil
}

func (f *fakeCorrector) Apply(_ context.Context, account, plan string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stale {
		return "", fmt.Errorf("account %s: %w", account, watch.ErrStalePlan)
	}
	if f.fail != nil {
		return "1 change failed", f.fail
	}
	f.applied = append(f.applied, account+": "+strings.TrimSpace(plan))
	return "2 changes applied", nil
}

func (f *fakeCorrector) appliedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.applied)
}

const (
	acctA = "111111111111"
	acctB = "222222222222"
	alice = "os:alice@bastion"
)

func pass(acct string, warnings ...string) watch.ChainResult {
	return watch.ChainResult{Account: acct, Status: watch.ChainPass, Warnings: warnings}
}

func fail(acct, link, detail string) watch.ChainResult {
	return watch.ChainResult{Account: acct, Status: watch.ChainFail, Broken: link, Detail: detail}
}

// levelTargets are three notifiers, one per level, behind the router
// `rootwatch watch` builds.
func levelTargets(t *testing.T) []watch.Target {
	t.Helper()
	levels := map[string]route.Level{"error": route.LevelError, "info": route.LevelInfo, "verbose": route.LevelVerbose}
	r, err := route.New(route.Config{}, levels, []string{"error", "info", "verbose"})
	if err != nil {
		t.Fatal(err)
	}
	var ts []watch.Target
	for _, name := range []string{"error", "info", "verbose"} {
		ts = append(ts, watch.Target{Name: name, Notifier: nopNotifier{}, Wants: func(a alert.Alert) bool { return r.Wants(name, a) }})
	}
	return ts
}

// received is what each notifier has been given since the last call.
type received struct {
	t    *testing.T
	st   *store.Store
	seen map[string]bool
}

func (rc *received) next() map[string][]string {
	rc.t.Helper()
	out := map[string][]string{}
	for _, it := range outbox(rc.t, rc.st) {
		if rc.seen[it.ID] {
			continue
		}
		rc.seen[it.ID] = true
		out[it.Notifier] = append(out[it.Notifier], it.Alert.Title)
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// want is one expected alert: its level and title.
type want struct {
	level string
	title string
}

// nested is what each notifier must receive of ws: error ⊂ info ⊂ verbose.
func nested(ws ...want) map[string][]string {
	rank := map[string]int{"error": 1, "info": 2, "verbose": 3}
	out := map[string][]string{}
	for _, n := range []string{"error", "info", "verbose"} {
		for _, w := range ws {
			if rank[w.level] <= rank[n] {
				out[n] = append(out[n], w.title)
			}
		}
		slices.Sort(out[n])
	}
	for k, v := range out {
		if len(v) == 0 {
			delete(out, k)
		}
	}
	return out
}

func sameSets(got, want map[string][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			return false
		}
	}
	return true
}

// A scripted organization where chains break, change broken link, stay
// broken, heal, warn and cannot be checked, with corrections proposed,
// approved, applied, failed and rejected: each notifier receives exactly
// the alerts of its level and the levels below.
func TestAuditLevelsNest(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st := storetest.SQLite(t)
	unknownB := watch.ChainResult{Account: acctB, Status: watch.ChainUnknown, Broken: "trail", Detail: "AccessDenied"}
	auditor := &fakeAuditor{results: [][]watch.ChainResult{
		{pass(acctA), pass(acctB)},
		{fail(acctA, "metric-filter", "no filter"), pass(acctB)},
		{fail(acctA, "alarm", "no alarm"), pass(acctB)},
		{fail(acctA, "alarm", "no alarm"), pass(acctB)},
		{fail(acctA, "alarm", "no alarm"), pass(acctB)},
		{pass(acctA), pass(acctB, "alarm: alarm-period: period 3600s")}, // the audit after the approved fix
		{pass(acctA), unknownB},
		{pass(acctA), unknownB}, // the audit after the failed fix
	}}
	corr := &fakeCorrector{}
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: levelTargets(t), Now: clock.Now, Logger: testLogger(t), TickEvery: time.Hour,
		Audit: &watch.AuditOptions{Auditor: auditor, Corrector: corr,
			Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{"sec@example.com=" + alice}}}})
	if err != nil {
		t.Fatal(err)
	}
	rc := &received{t: t, st: st, seen: map[string]bool{}}
	proposedID := func(link string) string {
		cs, err := st.ListCorrections(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if strings.Contains(c.Plan, link) {
				return c.ID
			}
		}
		t.Fatalf("no correction for %s: %+v", link, cs)
		return ""
	}
	proposal := func(acct string) string {
		return "CIS 4.3 correction proposed for " + acct + ": approve with rootwatch corrections approve "
	}
	decide := func(link, state string) string {
		id := proposedID(link)
		clock.Add(time.Minute)
		if err := st.DecideCorrection(ctx, id, store.Decision{State: state, By: alice, Reason: "test"}, clock.Now()); err != nil {
			t.Fatal(err)
		}
		svc.ProcessDecisions(ctx)
		return id
	}
	audit := func() {
		t.Helper()
		clock.Add(time.Minute)
		if err := svc.AuditOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name string
		do   func() []want
	}{
		{"all pass", func() []want {
			audit()
			return []want{{"verbose", "CIS 4.3 audit: all 2 accounts PASS"}}
		}},
		{"A breaks", func() []want {
			audit()
			return []want{{"error", "CIS 4.3 chain broken in " + acctA + " at metric-filter"},
				{"info", proposal(acctA) + proposedID("metric-filter")},
				{"verbose", "CIS 4.3 audit: 1 of 2 accounts PASS"}}
		}},
		{"A's broken link changes", func() []want {
			audit()
			return []want{{"error", "CIS 4.3 chain broken in " + acctA + " at alarm"},
				{"info", proposal(acctA) + proposedID("alarm")},
				{"verbose", "CIS 4.3 audit: 1 of 2 accounts PASS"}}
		}},
		{"A stays broken", func() []want {
			clock.Add(time.Hour)
			audit()
			return []want{{"verbose", "CIS 4.3 audit: 1 of 2 accounts PASS"}}
		}},
		{"reminder", func() []want {
			clock.Add(watch.DefaultRemind)
			audit()
			return []want{{"error", "Reminder: CIS 4.3 chain broken in " + acctA + " at alarm"},
				{"verbose", "CIS 4.3 audit: 1 of 2 accounts PASS"}}
		}},
		{"approved, applied, healed, B warns", func() []want {
			id := decide("+ create alarm", store.CorrectionApproved)
			return []want{{"info", "CIS 4.3 correction " + id + " approved for " + acctA},
				{"info", "CIS 4.3 correction " + id + " applied for " + acctA},
				{"info", "CIS 4.3 chain healed in " + acctA},
				{"info", "CIS 4.3 chain of " + acctB + ": 1 new warning(s)"},
				{"verbose", "CIS 4.3 audit: all 2 accounts PASS"}}
		}},
		{"B cannot be checked", func() []want {
			audit()
			return []want{{"error", "CIS 4.3 chain of " + acctB + " could not be checked at trail"},
				{"info", proposal(acctB) + proposedID("trail")},
				{"verbose", "CIS 4.3 audit: 1 of 2 accounts PASS"}}
		}},
		{"approved and failed", func() []want {
			corr.fail = errors.New("AccessDenied: logs:PutMetricFilter")
			id := decide("+ create trail", store.CorrectionApproved)
			return []want{{"info", "CIS 4.3 correction " + id + " approved for " + acctB},
				{"error", "CIS 4.3 correction " + id + " failed for " + acctB},
				{"verbose", "CIS 4.3 audit: 1 of 2 accounts PASS"}}
		}},
		{"rejected", func() []want {
			id := decide("+ create metric-filter", store.CorrectionRejected)
			return []want{{"info", "CIS 4.3 correction " + id + " rejected for " + acctA}}
		}},
		{"the audit itself fails", func() []want {
			auditor.err = errors.New("AccessDenied: organizations:ListAccounts")
			audit()
			return []want{{"error", "Scheduled CIS 4.3 audit failed"}}
		}},
	}
	for _, s := range steps {
		ws := s.do()
		if got, want := rc.next(), nested(ws...); !sameSets(got, want) {
			t.Fatalf("%s:\n got  %q\n want %q", s.name, got, want)
		}
	}
	if n := corr.appliedCount(); n != 1 {
		t.Errorf("applied %d corrections, want 1", n)
	}
}

// Per-account policy: one account is corrected at once, one skipped (the
// skip is listed and stands until the plan changes), one asks; a proposal
// nobody decides expires and is proposed again while the chain is still
// broken.
func TestCorrectionPolicies(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st := storetest.SQLite(t)
	const acctC = "333333333333"
	broken := []watch.ChainResult{fail(acctA, "alarm", "no alarm"), fail(acctB, "alarm", "no alarm"), fail(acctC, "alarm", "no alarm")}
	auditor := &fakeAuditor{results: [][]watch.ChainResult{broken}}
	corr := &fakeCorrector{}
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{{Name: "n", Notifier: nopNotifier{}}},
		Now: clock.Now, Logger: testLogger(t), TickEvery: time.Hour,
		Audit: &watch.AuditOptions{Auditor: auditor, Corrector: corr, Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{alice},
			TTL: 48 * time.Hour, Accounts: []watch.AccountPolicy{
				{Match: []string{acctA}, Default: watch.ActionCorrect},
				{Match: []string{"2222*"}, Default: watch.ActionSkip, Actions: []string{watch.ActionNotify, watch.ActionSkip}},
			}}}})
	if err != nil {
		t.Fatal(err)
	}
	states := func() map[string]string {
		cs, err := st.ListCorrections(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, c := range cs {
			out[c.Account+" "+strings.TrimSpace(c.Plan)] = c.State
		}
		return out
	}
	check := func(step string, want map[string]string) {
		t.Helper()
		if got := states(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: corrections %v, want %v", step, got, want)
		}
	}
	plan := func(acct, link string) string { return acct + " + create " + link + " in " + acct }
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("first audit", map[string]string{plan(acctA, "alarm"): store.CorrectionApplied,
		plan(acctB, "alarm"): store.CorrectionSkipped, plan(acctC, "alarm"): store.CorrectionProposed})
	if n := corr.appliedCount(); n != 1 {
		t.Fatalf("applied %d, want the correct account's 1", n)
	}
	if c, _ := st.ListCorrections(ctx, store.CorrectionSkipped); len(c) != 1 || c[0].DecidedBy != "policy: skip" {
		t.Errorf("skip not listed with who decided: %+v", c)
	}

	// Two days on, nobody decided C's: it expires, and the next audit
	// proposes it again. B's skip stands for the same plan.
	clock.Add(48 * time.Hour)
	svc.ProcessDecisions(ctx)
	check("expiry", map[string]string{plan(acctA, "alarm"): store.CorrectionApplied,
		plan(acctB, "alarm"): store.CorrectionSkipped, plan(acctC, "alarm"): store.CorrectionExpired})
	auditor.results = [][]watch.ChainResult{{pass(acctA), fail(acctB, "alarm", "no alarm"), fail(acctC, "alarm", "no alarm")}}
	auditor.run = 0
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("proposed again", map[string]string{plan(acctA, "alarm"): store.CorrectionApplied,
		plan(acctB, "alarm"): store.CorrectionSkipped, plan(acctC, "alarm"): store.CorrectionProposed})

	// An approver skips C's plan: the same plan is not proposed again,
	// a different one is.
	cs, _ := st.ListCorrections(ctx, store.CorrectionProposed)
	if len(cs) != 1 {
		t.Fatalf("proposed: %+v", cs)
	}
	if err := st.DecideCorrection(ctx, cs[0].ID, store.Decision{State: store.CorrectionSkipped, By: alice, Reason: "decommissioned"}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	svc.ProcessDecisions(ctx)
	clock.Add(72 * time.Hour)
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("skipped by an approver", map[string]string{plan(acctA, "alarm"): store.CorrectionApplied,
		plan(acctB, "alarm"): store.CorrectionSkipped, plan(acctC, "alarm"): store.CorrectionSkipped})
	auditor.results = [][]watch.ChainResult{{pass(acctA), fail(acctB, "alarm", "no alarm"), fail(acctC, "trail", "no trail")}}
	auditor.run = 0
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	check("C's plan changed", map[string]string{plan(acctA, "alarm"): store.CorrectionApplied,
		plan(acctB, "alarm"): store.CorrectionSkipped, plan(acctC, "alarm"): store.CorrectionSkipped, plan(acctC, "trail"): store.CorrectionProposed})
}

// A decision the running watch's policy does not accept — written into
// the store by someone who can write it but is no approver — changes
// nothing, is notified as an error, and the fix is proposed again.
func TestDecisionRefusedByPolicy(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st := storetest.SQLite(t)
	auditor := &fakeAuditor{results: [][]watch.ChainResult{{fail(acctA, "alarm", "no alarm")}}}
	corr := &fakeCorrector{}
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: levelTargets(t), Now: clock.Now, Logger: testLogger(t), TickEvery: time.Hour,
		Audit: &watch.AuditOptions{Auditor: auditor, Corrector: corr, Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{alice}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	cs, _ := st.ListCorrections(ctx, store.CorrectionProposed)
	if len(cs) != 1 {
		t.Fatalf("proposed: %+v", cs)
	}
	for _, by := range []string{"os:mallory@laptop", "sec@example.com (os:mallory@laptop)"} {
		if err := st.DecideCorrection(ctx, cs[0].ID, store.Decision{State: store.CorrectionApproved, By: by}, clock.Now()); err != nil {
			t.Fatal(err)
		}
		svc.ProcessDecisions(ctx)
		if n := corr.appliedCount(); n != 0 {
			t.Fatalf("%s: applied", by)
		}
		got, _ := st.GetCorrection(ctx, cs[0].ID)
		if got.State != store.CorrectionRefused || !strings.Contains(got.Result, "not an approver") {
			t.Errorf("%s: %+v", by, got)
		}
		refusals := 0
		for _, it := range outbox(t, st) {
			if it.Notifier == "error" && strings.Contains(it.Alert.Title, "refused") && strings.Contains(it.Alert.Summary, by) {
				refusals++
			}
		}
		if refusals != 1 {
			t.Errorf("%s: %d refusals notified at error, want 1", by, refusals)
		}
		clock.Add(time.Minute)
		if err := svc.AuditOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.GetCorrection(ctx, cs[0].ID); got.State != store.CorrectionProposed {
			t.Errorf("%s: not proposed again: %s", by, got.State)
		}
	}
}
