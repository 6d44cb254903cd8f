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
	t.Helper()
	snap, err := awsread.Collect(context.Background(), c.Dialer(awsfake.StateManagement), awsread.Options{
		Org: org, Regions: []string{awsfake.StateRegion},
		Retry: awsread.Retry{Attempts: 2, Base: time.Microsecond, Max: time.Microsecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, audit.Evaluate(snap)
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
		}{{"no endpoint", fix.Options{}}, {"--subscribe sqs", fix.Options{Endpoints: []fix.Endpoint{queue}}}} {
			t.Run(st.Name+"/"+opts.name, func(t *testing.T) {
				ctx := context.Background()
				c := awsfake.New()
				c.PageSize = 2
				st.Build(c)
				o := opts.o
				o.Retry = awsread.Retry{Attempts: 2, Base: time.Microsecond, Max: time.Microsecond}

				snap, rep := collectState(t, c, st.Org)
				plan, _ := fix.PlanChanges(ctx, c.WriteDialer(), snap, fix.Verdicts(rep), o)
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
				_, after := collectState(t, c, st.Org)
				got := failing(after, unplanned)
				sort.Strings(want)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("after the plan audit fails\n  %s\nfix named\n  %s\nplan:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), shown.String())
				}
			})
		}
	}
}
