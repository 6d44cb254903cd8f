package fix_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

func collectState(t *testing.T, c *awsfake.Cloud, org bool) (*inventory.Snapshot, audit.Report) {
	return collectStateStrict(t, c, org, false)
}

func collectStateStrict(t *testing.T, c *awsfake.Cloud, org, strict bool) (*inventory.Snapshot, audit.Report) {
	t.Helper()
	snap, err := awsread.Collect(context.Background(), c.Dialer(awsfake.StateManagement), awsread.Options{
		Org: org, Regions: []string{awsfake.StateRegion},
		Retry: awsread.Retry{Attempts: 2, Base: time.Microsecond, Max: time.Microsecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, audit.Evaluator{Strict: strict}.Evaluate(snap)
}

// failing lists "account link STATUS" for every link the audit does not
// PASS, in accounts it audited.
func failing(rep audit.Report, skip map[string]bool) []string {
	var out []string
	for _, a := range rep.Accounts {
		if a.Status == audit.Pass || a.Status == audit.Skipped || skip[a.Account] {
			continue
		}
		for _, l := range a.Links {
			if l.Status != audit.Pass {
				out = append(out, a.Account+" "+l.Name+" "+string(l.Status))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestFixAndAuditAgree is issue 17's property over every scripted account
// state (awsfake.States, so a new state is covered here at once), with and
// without an endpoint to subscribe: fix says nothing is left only when
// audit PASSes; when audit fails, fix plans something or names what it
// cannot repair; and once the plan is applied to the fake AWS, the links
// audit still fails are exactly the ones fix named.
func TestFixAndAuditAgree(t *testing.T) {
	queue := fix.Endpoint{Protocol: "sqs", Endpoint: "arn:aws:sqs:" + awsfake.StateRegion + ":" + awsfake.StateManagement + ":security-alerts"}
	for _, st := range awsfake.States() {
		for _, opts := range []struct {
			name string
			o    fix.Options
		}{{"no endpoint", fix.Options{}}, {"--subscribe sqs", fix.Options{Endpoints: []fix.Endpoint{queue}}},
			{"--subscribe sqs --strict", fix.Options{Endpoints: []fix.Endpoint{queue}, Strict: true}}} {
			t.Run(st.Name+"/"+opts.name, func(t *testing.T) {
				ctx := context.Background()
				c := awsfake.New()
				c.PageSize = 2
				st.Build(c)
				o := opts.o
				o.Retry = awsread.Retry{Attempts: 2, Base: time.Microsecond, Max: time.Microsecond}

				// fix plans from the audit's verdicts (never the strict ones:
				// a warning is not something fix changes); the property is
				// checked against the audit the user runs, strict or not.
				snap, planned := collectState(t, c, st.Org)
				_, rep := collectStateStrict(t, c, st.Org, o.Strict)
				plan, _ := fix.PlanChanges(ctx, c.WriteDialer(), snap, fix.Verdicts(planned), o)
				var shown strings.Builder
				_ = fix.Render(&shown, plan, "dry run")
				errs, prereqs, fails, unknown := plan.Left()
				left := errs + prereqs + fails + unknown
				if plan.Empty() && left == 0 && rep.ExitCode() != 0 {
					t.Fatalf("fix has nothing to do and names nothing, but audit exits %d (%v):\n%s", rep.ExitCode(), failing(rep, nil), shown.String())
				}
				if strings.Contains(shown.String(), "Every chain is already in place") && rep.ExitCode() != 0 {
					t.Fatalf("fix says every chain is in place, audit exits %d:\n%s", rep.ExitCode(), shown.String())
				}

				named, unplanned := map[string]bool{}, map[string]bool{}
				var want []string
				for _, ap := range plan.Accounts {
					if ap.Err != nil {
						for _, a := range append([]string{ap.Account}, ap.Covers...) {
							unplanned[a] = true
						}
						continue
					}
					for _, u := range ap.Unrepaired {
						k := u.Account + " " + u.Link + " " + u.Status
						if !named[k] {
							named[k] = true
							want = append(want, k)
						}
					}
				}
				if !plan.Empty() {
					run, err := openJournal(t).StartRun(ctx, "fix", "")
					if err != nil {
						t.Fatal(err)
					}
					res, err := (&fix.Applier{Dialer: c.WriteDialer(), Recorder: run}).Apply(ctx, plan)
					if err != nil || res.Failed() > 0 {
						t.Fatalf("apply: %v\n%s", err, res.Summary())
					}
				}
				_, after := collectStateStrict(t, c, st.Org, o.Strict)
				got := failing(after, unplanned)
				sort.Strings(want)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("after the plan audit fails\n  %s\nfix named\n  %s\nplan:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), shown.String())
				}
			})
		}
	}
}

// TestFixKeepsAnAlarmTheAuditAccepts: an hourly alarm with its actions off
// fires on one event (the period is only a warning), so fix switches its
// actions on and leaves the rest of the user's alarm as it is.
func TestFixKeepsAnAlarmTheAuditAccepts(t *testing.T) {
	c := awsfake.New()
	for _, st := range awsfake.States() {
		if st.Name == "hourly alarm, actions disabled" {
			st.Build(c)
		}
	}
	snap, rep := collectState(t, c, false)
	plan, _ := fix.PlanChanges(context.Background(), c.WriteDialer(), snap, fix.Verdicts(rep), fix.Options{})
	var steps []string
	for _, ap := range plan.Accounts {
		for _, s := range ap.Steps {
			steps = append(steps, string(s.Action)+" "+string(s.Kind)+" "+s.Resource)
		}
	}
	if len(steps) != 1 || !strings.Contains(steps[0], "RootAccountUsage") || !strings.Contains(strings.ToLower(steps[0]), "enable") {
		t.Fatalf("plan steps = %q, want only enabling the actions of the existing alarm", steps)
	}
}
