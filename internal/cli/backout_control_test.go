package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/inventory"
	"github.com/rootwatch/rootwatch/internal/store"
)

// seedChain renames the chain's alarm as the CIS setup guides name it:
// a user's RootAccountUsageAlarm, untagged, that rootwatch never made.
func (e *fixEnv) seedChain() {
	e.c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[fixAccount].Region(fixRegion)
		al := r.Alarms[cis.AlarmName]
		delete(r.Alarms, cis.AlarmName)
		al.AlarmName, al.AlarmArn = aws.String(cis.SeedAlarmName), aws.String(c.AlarmARN(fixAccount, fixRegion, cis.SeedAlarmName))
		r.Alarms[cis.SeedAlarmName] = al
	})
}

func (e *fixEnv) actionsEnabled(alarm string) bool {
	var on bool
	e.c.Edit(func(c *awsfake.Cloud) {
		on = aws.ToBool(c.Accounts[fixAccount].Region(fixRegion).Alarms[alarm].ActionsEnabled)
	})
	return on
}

// TestBackoutSwitchesTheUsersAlarm: the chain's alarm is a user's
// RootAccountUsageAlarm. --dry-run shows the switch and changes nothing;
// --disable-actions disables it and journals a signed row; audit FAILs
// it; --enable-actions restores it, and the account is byte for byte as
// it was; --remove never deletes the user's alarm.
func TestBackoutSwitchesTheUsersAlarm(t *testing.T) {
	e := newFixEnv(t)
	e.seedChain()
	before := e.state()

	out := e.expect(exitcode.OK, "~ disable actions of alarm "+cis.SeedAlarmName, "backout", "--disable-actions", "--regions", fixRegion, "--dry-run")
	if !strings.Contains(out, "rootwatch did not create this alarm") || !strings.Contains(out, "dry run: nothing will be changed") {
		t.Errorf("dry-run plan:\n%s", out)
	}
	if e.state() != before {
		t.Fatal("--dry-run changed the account")
	}

	e.expect(exitcode.OK, "Done (journal run", "backout", "--disable-actions", "--regions", fixRegion, "--yes")
	if e.actionsEnabled(cis.SeedAlarmName) {
		t.Fatal("the user's alarm still has its actions enabled")
	}
	changes, err := e.signedJournal().Changes(context.Background(), store.ChangeQuery{Commands: []string{"backout"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Resource != cis.SeedAlarmName || changes[0].Action != string(fix.DisableActions) ||
		changes[0].Status != store.ChangeDone || changes[0].Auth != store.AuthValid {
		t.Fatalf("journal = %+v, want one validly signed, done disable-actions row for %s", changes, cis.SeedAlarmName)
	}
	e.expect(exitcode.Findings, "actions are disabled", "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "No changes.", "backout", "--disable-actions", "--regions", fixRegion, "--yes")

	e.expect(exitcode.OK, "~ enable actions of alarm "+cis.SeedAlarmName, "backout", "--enable-actions", "--regions", fixRegion, "--yes")
	e.stateIs(before, "after --enable-actions")
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "No changes.", "backout", "--remove", "--yes")
	e.stateIs(before, "--remove touched the user's chain")
}

// TestBackoutSeveralAlarmsNeedAlarm: two alarms implement the control;
// backout will not guess (usage error naming both), --alarm picks one,
// and the seeds' name finds rootwatch's default one and back.
func TestBackoutSeveralAlarmsNeedAlarm(t *testing.T) {
	e := newFixEnv(t)
	e.c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[fixAccount].Region(fixRegion)
		cp := *r.Alarms[cis.AlarmName]
		cp.AlarmName, cp.AlarmArn = aws.String("root-usage-terraform"), aws.String(c.AlarmARN(fixAccount, fixRegion, "root-usage-terraform"))
		r.Alarms["root-usage-terraform"] = &cp
	})
	before := e.state()
	out := e.expect(exitcode.Usage, "--alarm NAME", "backout", "--disable-actions", "--regions", fixRegion, "--yes")
	for _, want := range []string{"RootAccountUsage (account 111111111111, us-east-1)", "root-usage-terraform (account 111111111111, us-east-1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the usage error does not list %q:\n%s", want, out)
		}
	}
	if e.state() != before {
		t.Fatal("an ambiguous backout changed the account")
	}
	e.expect(exitcode.OK, "Done", "backout", "--disable-actions", "--regions", fixRegion, "--alarm", "root-usage-terraform", "--yes")
	if e.actionsEnabled("root-usage-terraform") || !e.actionsEnabled(cis.AlarmName) {
		t.Fatal("--alarm did not pick exactly the alarm named")
	}
	// The seeds' name is the default name's chain: it finds RootAccountUsage.
	e.expect(exitcode.OK, "~ disable actions of alarm "+cis.AlarmName, "backout", "--disable-actions", "--regions", fixRegion, "--alarm", cis.SeedAlarmName, "--dry-run")
	e.expect(exitcode.NoControl, "no alarm named app-5xx implements the control", "backout", "--disable-actions", "--regions", fixRegion, "--alarm", "app-5xx", "--yes")
}

// TestBackoutNothingImplementsTheControl: without a chain (an
// application team's alarm is not one) the switches exit non-zero rather
// than "Nothing to do".
func TestBackoutNothingImplementsTheControl(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	e.c.Edit(func(c *awsfake.Cloud) { awsfake.AddAppTeam(c, fixAccount, fixRegion) })
	before := e.state()
	for _, mode := range []string{"--disable-actions", "--enable-actions"} {
		e.expect(exitcode.NoControl, "nothing implements the control", "backout", mode, "--regions", fixRegion, "--yes")
	}
	e.expect(exitcode.OK, "No changes.", "backout", "--remove", "--yes")
	if e.state() != before {
		t.Fatal("account changed")
	}
}

// TestBackoutForSchedulesReenable: --for 2h leaves a one-time schedule
// (at(...), DELETE after completion, the universal EnableAlarmActions
// target) and a role trusted by the scheduler that may enable only that
// alarm; audit FAILs "until T"; AWS firing it enables the actions (the
// fake checks the role's policy). --enable-actions instead removes the
// schedule and the role, and the account is as before.
func TestBackoutForSchedulesReenable(t *testing.T) {
	for _, fire := range []bool{false, true} {
		name := "enable-actions removes the schedule"
		if fire {
			name = "the schedule fires"
		}
		t.Run(name, func(t *testing.T) {
			e := newFixEnv(t)
			e.seedChain()
			before := e.state()
			e.expect(exitcode.Usage, "--for only applies with --disable-actions", "backout", "--enable-actions", "--for", "2h")
			e.expect(exitcode.Usage, "at least 1m0s", "backout", "--disable-actions", "--for", "10s")

			out := e.expect(exitcode.OK, "+ create schedule", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--dry-run")
			if e.state() != before || !strings.Contains(out, "cloudwatch:EnableAlarmActions on arn:aws:cloudwatch:us-east-1:111111111111:alarm:RootAccountUsageAlarm") {
				t.Fatalf("dry run changed the account or plan lacks the role policy:\n%s", out)
			}
			e.expect(exitcode.OK, "Plan: 3 to add, 1 to change", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")

			sched := inventory.ReenableScheduleName(fixAccount, fixRegion, cis.SeedAlarmName)
			var sc awsfake.Schedule
			e.c.Edit(func(c *awsfake.Cloud) { sc = *c.Accounts[fixAccount].Region(fixRegion).Schedules["default/"+sched] })
			at, err := awsread.ParseAtExpression(sc.Expression, "")
			if err != nil || at.Before(e.now.Add(2*time.Hour-time.Minute)) || at.After(e.now.Add(2*time.Hour)) {
				t.Fatalf("schedule %s at %v (%v), want about now+2h (%v)", sc.Expression, at, err, e.now)
			}
			if sc.ActionAfterCompletion != "DELETE" || sc.TargetARN != awsfake.EnableAlarmActionsTarget || sc.Input != `{"AlarmNames":["`+cis.SeedAlarmName+`"]}` {
				t.Errorf("schedule = %+v", sc)
			}
			role, ok := e.c.RoleOf(fixAccount, sched)
			if !ok || !strings.Contains(role.TrustPolicy, `"Service":"scheduler.amazonaws.com"`) || !strings.Contains(role.TrustPolicy, `"aws:SourceAccount":"111111111111"`) ||
				role.Tags[fix.TagManaged] != "true" || len(role.Policies) != 1 {
				t.Fatalf("role = %+v", role)
			}
			for _, doc := range role.Policies {
				var p struct{ Statement []map[string]any }
				if err := json.Unmarshal([]byte(doc), &p); err != nil || len(p.Statement) != 1 || p.Statement[0]["Action"] != "cloudwatch:EnableAlarmActions" ||
					p.Statement[0]["Resource"] != e.c.AlarmARN(fixAccount, fixRegion, cis.SeedAlarmName) {
					t.Fatalf("role policy is not least privilege: %s", doc)
				}
			}
			e.expect(exitcode.Findings, "actions are disabled until "+at.Format(time.RFC3339), "audit", "--regions", fixRegion, "--format", "json")
			e.expect(exitcode.OK, "No changes.", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")

			if fire {
				if n, err := e.c.FireSchedules(fixAccount, fixRegion, at); n != 1 || err != nil {
					t.Fatalf("FireSchedules = %d, %v", n, err)
				}
				if !e.actionsEnabled(cis.SeedAlarmName) {
					t.Fatal("the schedule did not enable the actions")
				}
				e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
			}
			out = e.expect(exitcode.OK, "- delete IAM role", "backout", "--enable-actions", "--regions", fixRegion, "--yes")
			if !fire && (!strings.Contains(out, "~ enable actions of alarm "+cis.SeedAlarmName) || !strings.Contains(out, "- delete schedule "+sched)) {
				t.Errorf("--enable-actions plan:\n%s", out)
			}
			e.stateIs(before, "after --enable-actions")
			e.expect(exitcode.OK, "No changes.", "backout", "--enable-actions", "--regions", fixRegion, "--yes")
		})
	}
}

// TestBackoutRemoveAndTheReenableSchedule: --remove deletes a --for
// schedule and its role together with rootwatch's alarm (the account is
// then as before fix), but keeps the schedule of a user's alarm it does
// not delete: that schedule is all that will switch the actions back on.
func TestBackoutRemoveAndTheReenableSchedule(t *testing.T) {
	t.Run("rootwatch's alarm", func(t *testing.T) {
		e := newFixEnv(t)
		e.breakChain()
		before := e.state()
		e.expect(exitcode.OK, "Done (journal run", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
		e.expect(exitcode.OK, "+ create schedule", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")
		out := e.expect(exitcode.OK, "- delete schedule", "backout", "--remove", "--yes")
		if !strings.Contains(out, "- delete IAM role arn:aws:iam::111111111111:role/rootwatch-reenable-") {
			t.Errorf("--remove plan:\n%s", out)
		}
		e.stateIs(before, "after --remove, compared with before fix")
	})
	t.Run("a user's alarm", func(t *testing.T) {
		e := newFixEnv(t)
		e.seedChain()
		e.expect(exitcode.OK, "+ create schedule", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")
		withFor := e.state()
		e.expect(exitcode.OK, "No changes.", "backout", "--remove", "--yes")
		if e.state() != withFor {
			t.Fatal("--remove took away the schedule that re-enables a user's alarm")
		}
	})
}

// signedJournal reads the store with the test journal key, so each row's
// MAC is checked.
func (e *fixEnv) signedJournal() *store.Journal {
	e.t.Helper()
	s, err := store.Open(context.Background(), e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { s.Close() })
	key, err := store.ParseJournalKey(testJournalKey)
	if err != nil {
		e.t.Fatal(err)
	}
	j, err := store.OpenSignedJournal(context.Background(), s, time.Now, key)
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

// TestAuditScheduleUnreadable: with the re-enable schedule unreadable,
// audit still FAILs the disabled alarm and says the time is unknown,
// naming the permission; it never drops the question.
func TestAuditScheduleUnreadable(t *testing.T) {
	e := newFixEnv(t)
	e.seedChain()
	e.expect(exitcode.OK, "+ create schedule", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")
	e.c.Deny(fixAccount, "scheduler:GetSchedule")
	e.expect(exitcode.Findings, "re-enables them is unknown (could not look: missing permission scheduler:GetSchedule)", "audit", "--regions", fixRegion, "--format", "json")
}

// TestBackoutUnreadableIsNotNothing: alarms that cannot be listed are not
// "nothing implements the control": backout says what it could not read
// and exits 4.
func TestBackoutUnreadableIsNotNothing(t *testing.T) {
	e := newFixEnv(t)
	e.c.Deny(fixAccount, "cloudwatch:DescribeAlarms")
	out := e.expect(exitcode.Partial, "could not read everything", "backout", "--disable-actions", "--regions", fixRegion, "--yes")
	if !strings.Contains(out, "missing permission cloudwatch:DescribeAlarms") || strings.Contains(out, "nothing implements") {
		t.Errorf("output:\n%s", out)
	}
}

// TestBackoutLifeCycleBesideAnAppTeam: fix, disable for 2h, enable,
// remove, on an account where an application team has its own topic and
// alarm: the account ends byte for byte as it began, the team's
// resources never touched.
func TestBackoutLifeCycleBesideAnAppTeam(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	e.c.Edit(func(c *awsfake.Cloud) { awsfake.AddAppTeam(c, fixAccount, fixRegion) })
	before := e.state()
	e.expect(exitcode.OK, "Done (journal run", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	out := e.expect(exitcode.OK, "~ disable actions of alarm "+cis.AlarmName, "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")
	if strings.Contains(out, awsfake.AppTeamAlarm) {
		t.Fatalf("backout planned on the app team's alarm:\n%s", out)
	}
	e.expect(exitcode.OK, "- delete schedule", "backout", "--enable-actions", "--regions", fixRegion, "--yes")
	e.expect(exitcode.OK, "to destroy", "backout", "--remove", "--yes")
	e.stateIs(before, "after the life cycle")
}

// TestVerifyFindsTheSeedsAlarm: verify --alarm RootAccountUsage finds the
// chain's alarm under the CIS guides' name when only that one exists.
func TestVerifyFindsTheSeedsAlarm(t *testing.T) {
	e := newFixEnv(t)
	e.seedChain()
	out := e.expect(exitcode.OK, "PASS: CloudWatch published to", "verify", "--live", "--alarm", cis.AlarmName, "--region", fixRegion)
	if !strings.Contains(out, "testing "+cis.SeedAlarmName) {
		t.Errorf("verify output:\n%s", out)
	}
	e.expect(exitcode.Findings, "the alarm does not exist", "verify", "--live", "--alarm", "nope", "--region", fixRegion)
}

// TestBackoutEnableCleansUpAfterAGoneAlarm: the user deletes the alarm a
// --for run disabled; --enable-actions has nothing to switch but still
// removes the schedule and role rootwatch made for it. While the alarm
// exists, disabled, and no longer implements the control, its schedule
// is kept.
func TestBackoutEnableCleansUpAfterAGoneAlarm(t *testing.T) {
	e := newFixEnv(t)
	e.seedChain()
	e.expect(exitcode.OK, "+ create schedule", "backout", "--disable-actions", "--for", "2h", "--regions", fixRegion, "--yes")
	// The filter goes: the alarm no longer implements the control.
	e.c.Edit(func(c *awsfake.Cloud) {
		delete(c.Accounts[fixAccount].Region(fixRegion).LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
	})
	e.expect(exitcode.NoControl, "nothing implements the control", "backout", "--enable-actions", "--regions", fixRegion, "--yes")
	sched := inventory.ReenableScheduleName(fixAccount, fixRegion, cis.SeedAlarmName)
	if _, ok := e.c.RoleOf(fixAccount, sched); !ok {
		t.Fatal("the role of a schedule still needed was removed")
	}
	e.c.Edit(func(c *awsfake.Cloud) { delete(c.Accounts[fixAccount].Region(fixRegion).Alarms, cis.SeedAlarmName) })
	e.expect(exitcode.OK, "- delete schedule "+sched, "backout", "--enable-actions", "--regions", fixRegion, "--yes")
	if _, ok := e.c.RoleOf(fixAccount, sched); ok {
		t.Fatal("the role is still there")
	}
	var left int
	e.c.Edit(func(c *awsfake.Cloud) { left = len(c.Accounts[fixAccount].Region(fixRegion).Schedules) })
	if left != 0 {
		t.Fatalf("%d schedule(s) left", left)
	}
	e.expect(exitcode.NoControl, "nothing implements the control", "backout", "--enable-actions", "--regions", fixRegion, "--yes")
}

// stateIs fails the test when the account is not byte for byte want,
// saying when.
func (e *fixEnv) stateIs(want, when string) {
	e.t.Helper()
	if got := e.state(); got != want {
		e.t.Fatalf("%s: the account differs:\n%s\nwant:\n%s", when, got, want)
	}
}
