package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
)

const (
	fixAccount = "111111111111"
	fixRegion  = "us-east-1"
	fixQueue   = "sqs:arn:aws:sqs:us-east-1:111111111111:root-alerts"
)

// fixEnv runs fix, backout, verify and audit against one fake cloud and
// one journal file, the way a user would in sequence.
type fixEnv struct {
	t     *testing.T
	c     *awsfake.Cloud
	store string
	// terminal makes stdin a terminal; answer is what the user types.
	terminal bool
	answer   string
	mu       sync.Mutex // guards now: accounts are fixed in parallel
	now      time.Time
}

func newFixEnv(t *testing.T) *fixEnv {
	c := awsfake.New()
	c.AddAccount(fixAccount, "prod")
	c.AddCISChain(fixAccount, fixRegion, false)
	return &fixEnv{t: t, c: c, store: filepath.Join(t.TempDir(), "rootwatch.db"), now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
}

func (e *fixEnv) access() awsAccess {
	return awsAccess{
		Read: func(context.Context) (awsread.Dialer, error) { return e.c.Dialer(fixAccount), nil },
		Write: func(context.Context, string, string, string) (fix.Dialer, error) {
			return e.c.WriteDialer(), nil
		},
	}
}

func (e *fixEnv) factory(out, errOut *bytes.Buffer) *Factory {
	in := bytes.NewBufferString(e.answer)
	return &Factory{
		In: in, Out: out, ErrOut: errOut,
		IsTerminal: func(w io.Writer) bool { return e.terminal && w == io.Writer(in) },
		Getenv:     testJournalKeyEnv,
		Now: func() time.Time {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.now = e.now.Add(time.Second)
			return e.now
		},
	}
}

func noSleep(context.Context, time.Duration) error { return nil }

var fastRetry = awsread.Retry{Attempts: 2, Base: time.Microsecond, Max: time.Microsecond}

// run executes one rootwatch command with args and returns its output and
// exit status.
func (e *fixEnv) run(args ...string) (string, int) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	f := e.factory(&out, &errOut)
	root := NewRootCmd(f)
	root.SetArgs(args)
	// Swap in the fake AWS under the real flag parsing.
	for _, c := range root.Commands() {
		switch c.Name() {
		case "fix":
			*c = *newCmdFix(f, func(ctx context.Context, o *FixOptions) error {
				o.AWS, o.Retry, o.Sleep = e.access(), fastRetry, noSleep
				if o.Store == "" {
					o.Store = e.store
				}
				return fixRun(ctx, f, o)
			})
		case "backout":
			*c = *newCmdBackout(f, func(ctx context.Context, o *BackoutOptions) error {
				o.AWS, o.Sleep, o.Retry = e.access(), noSleep, fastRetry
				if o.Store == "" {
					o.Store = e.store
				}
				return backoutRun(ctx, f, o)
			})
		case "verify":
			*c = *newCmdVerify(f, func(ctx context.Context, o *VerifyOptions) error {
				o.AWS, o.Sleep = e.access(), func(context.Context, time.Duration) error { f.Now(); return nil }
				if o.Store == "" {
					o.Store = e.store
				}
				return verifyRun(ctx, f, o)
			})
		case "audit":
			*c = *newCmdAudit(f, func(ctx context.Context, o *AuditOptions) error {
				o.Dial = func(context.Context, *AuditOptions) (awsread.Dialer, error) { return e.c.Dialer(fixAccount), nil }
				o.Retry = fastRetry
				return auditRun(ctx, o)
			})
		}
	}
	err := root.ExecuteContext(context.Background())
	if err != nil && !exitcode.Silent(err) {
		errOut.WriteString("error: " + err.Error() + "\n")
	}
	return out.String() + errOut.String(), exitcode.From(err)
}

func (e *fixEnv) state() string {
	e.t.Helper()
	s, err := e.c.StateJSON(fixAccount)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// breakChain removes the metric filter, the alarm and the topic that
// AddCISChain built, leaving a logging trail that delivers to a log group.
func (e *fixEnv) breakChain() {
	e.c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[fixAccount].Region(fixRegion)
		delete(r.LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
		delete(r.Alarms, cis.AlarmName)
		delete(r.Topics, c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic))
	})
}

func (e *fixEnv) expect(code int, want string, args ...string) string {
	e.t.Helper()
	out, got := e.run(args...)
	if got != code || !strings.Contains(out, want) {
		e.t.Fatalf("rootwatch %s: exit %d, want %d; want output containing %q:\n%s", strings.Join(args, " "), got, code, want, out)
	}
	return out
}

// TestFixBackoutScenario is the judged sequence: audit FAIL, fix, audit
// PASS, fix again (no change), backout --disable-actions, audit FAIL,
// --enable-actions, PASS, --remove, and the account is as it was.
func TestFixBackoutScenario(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	before := e.state()

	e.expect(exitcode.Findings, `"status": "FAIL"`, "audit", "--regions", fixRegion, "--format", "json")
	out := e.expect(exitcode.OK, "Plan: 5 to add, 0 to change, 0 to destroy", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--email", "security@example.com", "--yes")
	for _, want := range []string{"+ create metric filter aws-cloudtrail-logs/RootAccountUsage", "+ create SNS topic arn:aws:sns:us-east-1:111111111111:rootwatch-root-usage", "+ create alarm RootAccountUsage", "Done (journal run"} {
		if !strings.Contains(out, want) {
			t.Errorf("fix output lacks %q:\n%s", want, out)
		}
	}
	tags := e.c.TagsOf(fixAccount, fixRegion, "arn:aws:sns:us-east-1:111111111111:rootwatch-root-usage")
	if tags[fix.TagManaged] != "true" {
		t.Errorf("topic tags = %v, want %s=true", tags, fix.TagManaged)
	}
	if tags := e.c.TagsOf(fixAccount, fixRegion, e.c.AlarmARN(fixAccount, fixRegion, cis.AlarmName)); tags[fix.TagManaged] != "true" {
		t.Errorf("alarm tags = %v", tags)
	}
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")

	afterFix := e.state()
	e.expect(exitcode.OK, "No changes.", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--email", "security@example.com", "--yes")
	if e.state() != afterFix {
		t.Fatal("a second fix changed the account")
	}

	e.expect(exitcode.OK, "~ disable actions of alarm RootAccountUsage", "backout", "--disable-actions", "--yes")
	e.expect(exitcode.Findings, "actions are disabled", "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "No changes.", "backout", "--disable-actions", "--yes")
	e.expect(exitcode.OK, "~ enable actions of alarm RootAccountUsage", "backout", "--enable-actions", "--yes")
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")

	out = e.expect(exitcode.OK, "Plan: 0 to add, 0 to change, 5 to destroy", "backout", "--remove", "--yes")
	if !strings.Contains(out, "- delete subscription") || !strings.Contains(out, "- delete SNS topic") {
		t.Errorf("remove plan:\n%s", out)
	}
	if got := e.state(); got != before {
		t.Fatalf("after backout --remove the account differs from before fix:\nbefore:\n%s\nafter:\n%s", before, got)
	}
	e.expect(exitcode.OK, "No changes.", "backout", "--remove", "--yes")
	e.expect(exitcode.Findings, `"status": "FAIL"`, "audit", "--regions", fixRegion, "--format", "json")
}

// TestFixRestoresChangedTopicPolicy: the alarm exists but its topic's
// policy shuts CloudWatch out. fix merges its statement into that policy
// (keeping the user's), and --remove puts the exact old policy back.
func TestFixRestoresChangedTopicPolicy(t *testing.T) {
	e := newFixEnv(t)
	topic := e.c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic)
	userPolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"OpsOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/ops"},"Action":"sns:Publish","Resource":"` + topic + `"}]}`
	e.c.Edit(func(c *awsfake.Cloud) {
		c.Accounts[fixAccount].Region(fixRegion).Topics[topic].Attributes["Policy"] = userPolicy
	})
	before := e.state()
	e.expect(exitcode.Findings, "does not let CloudWatch publish", "audit", "--regions", fixRegion, "--format", "json")
	out := e.expect(exitcode.OK, "Plan: 0 to add, 1 to change, 0 to destroy", "fix", "--regions", fixRegion, "--yes")
	if !strings.Contains(out, "statements        : OpsOnly -> OpsOnly, "+fix.PolicySid) {
		t.Errorf("policy diff not shown:\n%s", out)
	}
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "~ restore topic policy", "backout", "--remove", "--yes")
	if got := e.state(); got != before {
		t.Fatalf("policy not restored:\n%s\nwant:\n%s", got, before)
	}
}

// TestFixInvalidEmailChangesNothing: bad input is refused before any AWS
// call, let alone a change.
func TestFixInvalidEmailChangesNothing(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	before := e.state()
	e.expect(exitcode.Usage, `--email "security@@example.com"`, "fix", "--email", "security@@example.com", "--yes")
	e.expect(exitcode.Usage, "E.164", "fix", "--subscribe", "sms:12345", "--yes")
	if e.state() != before {
		t.Fatal("account changed")
	}
	if n := e.c.Calls("sts:GetCallerIdentity"); n != 0 {
		t.Fatalf("AWS was called %d time(s) before the input was checked", n)
	}
}

// TestFixConfirmation: a terminal is asked; anything but "yes" changes
// nothing; without a terminal and --yes, fix refuses.
func TestFixConfirmation(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		answer   string
		args     []string
		wantCode int
		want     string
		changed  bool
	}{
		{name: "no terminal", args: []string{"fix"}, wantCode: exitcode.Usage, want: "standard input is not a terminal"},
		{name: "terminal, no", terminal: true, answer: "no\n", args: []string{"fix"}, wantCode: exitcode.Error, want: "cancelled"},
		{name: "terminal, yes", terminal: true, answer: "yes\n", args: []string{"fix"}, wantCode: exitcode.OK, want: "Only 'yes' will be accepted", changed: true},
		{name: "dry run", args: []string{"fix", "--dry-run"}, wantCode: exitcode.OK, want: "dry run: nothing will be changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFixEnv(t)
			e.breakChain()
			e.terminal, e.answer = tt.terminal, tt.answer
			before := e.state()
			e.expect(tt.wantCode, tt.want, append(tt.args, "--regions", fixRegion, "--subscribe", fixQueue)...)
			if changed := e.state() != before; changed != tt.changed {
				t.Fatalf("account changed = %v, want %v", changed, tt.changed)
			}
		})
	}
}

// TestFixResumesAfterFaults: a throttle, then an AccessDenied, stop the
// run part-way; the journal says what was done and what was not; each
// re-run picks up where the last stopped.
func TestFixResumesAfterFaults(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	before := e.state()
	args := []string{"fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes"}

	e.c.Throttle(fixAccount, "sns:Subscribe", 1)
	out := e.expect(exitcode.Partial, "throttled", args...)
	if !strings.Contains(out, "not attempted: create alarm RootAccountUsage") || !strings.Contains(out, "re-run the same command to resume") {
		t.Errorf("failure report:\n%s", out)
	}
	j := e.journal()
	journal := func() string {
		changes, err := j.Changes(context.Background(), store.ChangeQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range changes {
			got = append(got, c.Kind+":"+c.Status)
		}
		return strings.Join(got, " ")
	}
	if got, want := journal(), "metric-filter:done topic:done subscription:failed"; got != want {
		t.Fatalf("journal = %s, want %s", got, want)
	}

	e.c.Deny(fixAccount, "cloudwatch:PutMetricAlarm")
	out = e.expect(exitcode.Partial, "access denied", args...)
	if strings.Contains(out, "create metric filter") || strings.Contains(out, "create SNS topic") {
		t.Errorf("the re-run redid finished steps:\n%s", out)
	}
	if got, want := journal(), "metric-filter:done topic:done subscription:failed subscription:done alarm:failed"; got != want {
		t.Fatalf("journal = %s, want %s", got, want)
	}

	e.c = withoutFaults(e.c)
	e.expect(exitcode.OK, "Plan: 1 to add", args...)
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "No changes.", args...)
	e.expect(exitcode.OK, "to destroy", "backout", "--remove", "--yes")
	if got := e.state(); got != before {
		t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
	}
}

func (e *fixEnv) journal() *store.Journal {
	e.t.Helper()
	s, err := store.Open(context.Background(), e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { s.Close() })
	j, err := store.OpenJournal(context.Background(), s, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

// withoutFaults copies the cloud's state into a cloud without the
// injected faults (awsfake has no way to lift a Deny).
func withoutFaults(c *awsfake.Cloud) *awsfake.Cloud {
	n := awsfake.New()
	c.Edit(func(c *awsfake.Cloud) { n.Accounts = c.Accounts })
	return n
}

// TestVerifyLive: the alarm fires, CloudWatch publishes, the state is put
// back; with a policy that shuts CloudWatch out, verify says so.
func TestVerifyLive(t *testing.T) {
	e := newFixEnv(t)
	e.expect(exitcode.Usage, "pass --live", "verify")
	out := e.expect(exitcode.OK, "PASS: CloudWatch published to", "verify", "--live", "--alarm", cis.AlarmName, "--region", fixRegion)
	if !strings.Contains(out, "restored the alarm state to OK") || !strings.Contains(out, "LIVE TEST") {
		t.Errorf("verify output:\n%s", out)
	}
	states, err := e.journal().Changes(context.Background(), store.ChangeQuery{Statuses: []string{store.ChangeDone}})
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 || states[0].Kind != string(fix.KindAlarmState) || states[0].After != `{"state":"ALARM"}` || states[1].After != `{"state":"OK"}` {
		t.Errorf("journaled state changes = %+v", states)
	}
	e.expect(exitcode.OK, "No changes.", "backout", "--remove", "--yes")
	topic := e.c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic)
	e.c.Edit(func(c *awsfake.Cloud) {
		c.Accounts[fixAccount].Region(fixRegion).Topics[topic].Attributes["Policy"] = `{"Statement":[]}`
	})
	e.expect(exitcode.Findings, "FAIL: Failed to execute action", "verify", "--live", "--alarm", cis.AlarmName, "--region", fixRegion)
	e.expect(exitcode.Usage, "holds no alarm", "verify", "--live")
}

func TestFixFlags(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		check    func(t *testing.T, o *FixOptions)
	}{
		{args: nil, wantCode: -1, check: func(t *testing.T, o *FixOptions) {
			if o.Fix.MetricNamespace != "CISBenchmark" || o.Fix.MetricName != "RootAccountUsage" || o.Fix.TopicName != cis.TopicName || o.Yes || o.DryRun {
				t.Errorf("defaults = %+v", o.Fix)
			}
		}},
		{args: []string{"--subscribe", "sqs:arn:aws:sqs:eu-west-1:111122223333:q", "--subscribe", "https:https://h.example.com:8443/x", "--email", "a@example.com", "--metric-namespace", "Sec", "--tag", "team=sec"}, wantCode: -1, check: func(t *testing.T, o *FixOptions) {
			// --email first, then --subscribe in order.
			if len(o.Fix.Endpoints) != 3 || o.Fix.Endpoints[1].Endpoint != "arn:aws:sqs:eu-west-1:111122223333:q" || o.Fix.Endpoints[0].Protocol != "email" {
				t.Errorf("endpoints = %+v", o.Fix.Endpoints)
			}
			if o.Fix.MetricNamespace != "Sec" || o.Fix.Tags["team"] != "sec" {
				t.Errorf("opts = %+v", o.Fix)
			}
		}},
		{args: []string{"--email", "nobody"}, wantCode: exitcode.Usage},
		{args: []string{"--subscribe", "carrier-pigeon:coo"}, wantCode: exitcode.Usage},
		{args: []string{"--yes", "--dry-run"}, wantCode: exitcode.Usage},
		{args: []string{"--concurrency", "0"}, wantCode: exitcode.Usage},
		{args: []string{"--account", "12345"}, wantCode: exitcode.Usage},
		{args: []string{"--account", "111122223333", "--account", "444455556666"}, wantCode: -1, check: func(t *testing.T, o *FixOptions) {
			if len(o.Accounts) != 2 {
				t.Errorf("accounts = %v", o.Accounts)
			}
		}},
		{args: []string{"--role-name", "X"}, wantCode: exitcode.Usage},
		{args: []string{"--topic-arn", "arn:aws:sqs:us-east-1:111122223333:q"}, wantCode: exitcode.Usage},
		{args: []string{"--alarm-name", ""}, wantCode: -1, check: func(t *testing.T, o *FixOptions) {
			if o.Fix.AlarmName != cis.AlarmName {
				t.Errorf("empty --alarm-name should mean the default, got %q", o.Fix.AlarmName)
			}
		}},
		{args: []string{"extra"}, wantCode: exitcode.Usage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &Factory{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, IsTerminal: func(io.Writer) bool { return false }}
			var got *FixOptions
			cmd := newCmdFix(f, func(_ context.Context, o *FixOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetFlagErrorFunc(flagError)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetOut(f.Out)
			cmd.SetErr(f.ErrOut)
			err := cmd.Execute()
			if tt.wantCode >= 0 {
				if exitcode.From(err) != tt.wantCode {
					t.Fatalf("err = %v (code %d), want %d", err, exitcode.From(err), tt.wantCode)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("err = %v", err)
			}
			tt.check(t, got)
		})
	}
}

func TestBackoutFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		mode fix.BackoutMode
	}{
		{args: nil, code: exitcode.Usage},
		{args: []string{"--disable-actions", "--remove"}, code: exitcode.Usage},
		{args: []string{"--remove", "--yes", "--dry-run"}, code: exitcode.Usage},
		{args: []string{"--disable-actions"}, code: exitcode.OK, mode: fix.BackoutDisable},
		{args: []string{"--enable-actions", "--account", "222222222222"}, code: exitcode.OK, mode: fix.BackoutEnable},
		{args: []string{"--remove", "--yes"}, code: exitcode.OK, mode: fix.BackoutRemove},
		{args: []string{"--disable-actions", "--for", "2h", "--alarm", "RootAccountUsageAlarm"}, code: exitcode.OK, mode: fix.BackoutDisable},
		{args: []string{"--enable-actions", "--for", "2h"}, code: exitcode.Usage},
		{args: []string{"--disable-actions", "--for", "30s"}, code: exitcode.Usage},
		{args: []string{"--disable-actions", "--for", "soon"}, code: exitcode.Usage},
		{args: []string{"--remove", "--alarm", "RootAccountUsage"}, code: exitcode.Usage},
		{args: []string{"--remove", "--account", "12345"}, code: exitcode.Usage},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &Factory{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, IsTerminal: func(io.Writer) bool { return false }}
			var got *BackoutOptions
			cmd := newCmdBackout(f, func(_ context.Context, o *BackoutOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetFlagErrorFunc(flagError)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.Execute()
			if exitcode.From(err) != tt.code {
				t.Fatalf("err = %v, want code %d", err, tt.code)
			}
			if tt.code == exitcode.OK && got.Mode != tt.mode {
				t.Fatalf("mode = %s, want %s", got.Mode, tt.mode)
			}
		})
	}
}

// TestFixWithTrailDelivery: a trail that delivers nowhere is a
// prerequisite, unless --with-trail-delivery, which creates the log
// group and role and points the trail at them; --remove undoes all of it.
func TestFixWithTrailDelivery(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	e.c.Edit(func(c *awsfake.Cloud) {
		a := c.Accounts[fixAccount]
		a.Trails[0].CloudWatchLogsLogGroupArn, a.Trails[0].CloudWatchLogsRoleArn = nil, nil
		delete(a.Region(fixRegion).LogGroups, awsfake.ChainLogGroup)
	})
	before := e.state()
	args := []string{"fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes"}
	e.expect(exitcode.Findings, "aws cloudtrail update-trail", args...)
	if e.state() != before {
		t.Fatal("fix changed the account without --with-trail-delivery")
	}
	out := e.expect(exitcode.OK, "Plan: 7 to add, 1 to change", append(args, "--with-trail-delivery")...)
	if !strings.Contains(out, "+ create IAM role arn:aws:iam::111111111111:role/rootwatch-cloudtrail-to-cloudwatch-logs") {
		t.Errorf("plan:\n%s", out)
	}
	role, ok := e.c.RoleOf(fixAccount, "rootwatch-cloudtrail-to-cloudwatch-logs")
	if !ok || role.Tags[fix.TagManaged] != "true" || !strings.Contains(role.Policies["rootwatch-cloudtrail-delivery"], "logs:PutLogEvents") {
		t.Fatalf("role = %+v", role)
	}
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "No changes.", append(args, "--with-trail-delivery")...)
	out = e.expect(exitcode.OK, "~ restore trail delivery", "backout", "--remove", "--yes")
	if !strings.Contains(out, "deletes the log group and every log event") {
		t.Errorf("remove plan does not warn about the logs:\n%s", out)
	}
	if got := e.state(); got != before {
		t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
	}
}

// TestFixOrganization: an organization trail's chain is fixed once, in
// the account that owns its log group, and credited to every member.
func TestFixOrganization(t *testing.T) {
	const member = "222222222222"
	e := newFixEnv(t)
	e.c.AddAccount(member, "workload")
	e.c.SetOrganization("o-test", fixAccount)
	e.c.Edit(func(c *awsfake.Cloud) {
		c.Accounts[fixAccount].Trails[0].IsOrganizationTrail = awsBool(true)
	})
	e.breakChain()
	memberBefore, err := e.c.StateJSON(member)
	if err != nil {
		t.Fatal(err)
	}
	e.expect(exitcode.Findings, `"status": "FAIL"`, "audit", "--org", "--regions", fixRegion, "--format", "json")
	out := e.expect(exitcode.OK, "(also covers 222222222222)", "fix", "--org", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	if strings.Count(out, "+ create alarm") != 1 {
		t.Errorf("want one alarm for the organization:\n%s", out)
	}
	out = e.expect(exitcode.OK, `"pass": 2`, "audit", "--org", "--regions", fixRegion, "--format", "json")
	if !strings.Contains(out, `"covered_by"`) {
		t.Errorf("audit:\n%s", out)
	}
	if got, _ := e.c.StateJSON(member); got != memberBefore {
		t.Fatalf("fix changed the member account:\n%s", got)
	}
	e.expect(exitcode.OK, "No changes.", "fix", "--org", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
}

func awsBool(b bool) *bool { return &b }

const orgMember = "222222222222"

// newTwoChainOrg is an organization whose two accounts each have their
// own trail and a broken chain.
func newTwoChainOrg(t *testing.T) *fixEnv {
	e := newFixEnv(t)
	e.c.AddAccount(orgMember, "workload")
	e.c.AddCISChain(orgMember, fixRegion, false)
	e.c.SetOrganization("o-test", fixAccount)
	e.breakChain()
	e.c.Edit(func(c *awsfake.Cloud) {
		delete(c.Accounts[orgMember].Region(fixRegion).LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
	})
	return e
}

// TestFixOneAccountFailingDoesNotStopOthers: in an organization whose
// accounts have their own trails, a denied call in one account is that
// account's failure only.
func TestFixOneAccountFailingDoesNotStopOthers(t *testing.T) {
	e := newTwoChainOrg(t)
	e.c.Deny(orgMember, "logs:PutMetricFilter")
	out := e.expect(exitcode.Partial, "1 of 2 chain(s) failed", "fix", "--org", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	if !strings.Contains(out, "Account 111111111111, us-east-1: 4 change(s) made.") || !strings.Contains(out, "Account 222222222222, us-east-1: FAILED after 0 change(s): create metric-filter") {
		t.Errorf("summary:\n%s", out)
	}
	out = e.expect(exitcode.Findings, `"pass": 1`, "audit", "--org", "--regions", fixRegion, "--format", "json")
	_ = out
}

// TestFixOnlyAccount: --account limits the plan to the chains in, or
// covering, that account; the other broken chain is left as it was, and
// an account the run did not read is a usage error before any change.
func TestFixOnlyAccount(t *testing.T) {
	const member = orgMember
	e := newTwoChainOrg(t)
	mgmtBefore, err := e.c.StateJSON(fixAccount)
	if err != nil {
		t.Fatal(err)
	}
	e.expect(exitcode.Usage, "", "fix", "--org", "--regions", fixRegion, "--account", "999999999999", "--subscribe", fixQueue, "--yes")
	out := e.expect(exitcode.OK, "Account 222222222222, us-east-1", "fix", "--org", "--regions", fixRegion, "--account", member, "--subscribe", fixQueue, "--yes")
	if strings.Contains(out, "Account 111111111111") {
		t.Errorf("fix --account %s planned other accounts:\n%s", member, out)
	}
	if got, _ := e.c.StateJSON(fixAccount); got != mgmtBefore {
		t.Fatalf("fix --account %s changed the management account", member)
	}
	e.expect(exitcode.Findings, `"pass": 1`, "audit", "--org", "--regions", fixRegion, "--format", "json")
}

// TestFixReusesWorkingTopic: a topic nobody's alarm points at, that
// CloudWatch may publish to and that has a confirmed subscriber, is
// reused rather than a new one created; --remove leaves it alone.
// TestFixUpdatesAndRestoresWrongAlarm: the alarm named RootAccountUsage
// watches the right metric name in the wrong namespace. fix corrects it in
// place (read whole first), --remove puts the user's definition back.
func TestFixUpdatesAndRestoresWrongAlarm(t *testing.T) {
	e := newFixEnv(t)
	e.c.Edit(func(c *awsfake.Cloud) {
		al := c.Accounts[fixAccount].Region(fixRegion).Alarms[cis.AlarmName]
		ns, desc := "LogMetrics", "the team's own alarm"
		al.Namespace, al.AlarmDescription = &ns, &desc
		al.OKActions = []string{c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic)}
	})
	before := e.state()
	e.expect(exitcode.Findings, "in namespace LogMetrics", "audit", "--regions", fixRegion, "--format", "json")
	out := e.expect(exitcode.OK, "~ update alarm RootAccountUsage", "fix", "--regions", fixRegion, "--yes")
	if !strings.Contains(out, "metric            : LogMetrics/RootAccountUsage -> CISBenchmark/RootAccountUsage") {
		t.Errorf("alarm diff:\n%s", out)
	}
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "~ restore alarm RootAccountUsage", "backout", "--remove", "--yes")
	if got := e.state(); got != before {
		t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
	}
}

// TestFixDisabledActionsScenario: the user's alarm is right but its
// actions are off. fix switches them on; the backout cycle works on that
// alarm; --remove leaves them off again, as they were.
func TestFixDisabledActionsScenario(t *testing.T) {
	e := newFixEnv(t)
	e.c.Edit(func(c *awsfake.Cloud) {
		off := false
		c.Accounts[fixAccount].Region(fixRegion).Alarms[cis.AlarmName].ActionsEnabled = &off
	})
	before := e.state()
	e.expect(exitcode.OK, "Plan: 0 to add, 1 to change, 0 to destroy", "fix", "--regions", fixRegion, "--yes")
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "No changes.", "fix", "--regions", fixRegion, "--yes")
	e.expect(exitcode.OK, "1 change(s) made", "backout", "--disable-actions", "--yes")
	e.expect(exitcode.Findings, "actions are disabled", "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "1 change(s) made", "backout", "--enable-actions", "--yes")
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "~ disable actions of alarm RootAccountUsage", "backout", "--remove", "--yes")
	if got := e.state(); got != before {
		t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
	}
}

// TestFixRecreatesMissingTopic: the alarm notifies a topic that was
// deleted; fix creates it again under the same ARN, so the alarm works
// unchanged, and --remove deletes only that topic.
func TestFixRecreatesMissingTopic(t *testing.T) {
	e := newFixEnv(t)
	topic := e.c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic)
	e.c.Edit(func(c *awsfake.Cloud) { delete(c.Accounts[fixAccount].Region(fixRegion).Topics, topic) })
	before := e.state()
	e.expect(exitcode.Findings, "topic does not exist", "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "+ create SNS topic "+topic, "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
	e.expect(exitcode.OK, "- delete SNS topic "+topic, "backout", "--remove", "--yes")
	if got := e.state(); got != before {
		t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
	}
}

// TestBackoutConfirmation: backout asks like fix does and refuses
// without a terminal; --dry-run changes nothing.
func TestBackoutConfirmation(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	e.expect(exitcode.OK, "Done", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	fixed := e.state()
	e.expect(exitcode.Usage, "standard input is not a terminal", "backout", "--remove")
	e.expect(exitcode.OK, "dry run: nothing will be changed", "backout", "--remove", "--dry-run")
	e.terminal, e.answer = true, "nope\n"
	e.expect(exitcode.Error, "cancelled", "backout", "--disable-actions")
	if e.state() != fixed {
		t.Fatal("backout changed the account without confirmation")
	}
	e.answer = "yes\n"
	e.expect(exitcode.OK, "1 change(s) made", "backout", "--disable-actions")
}

// TestFixNeverTakesOverATopic is issue 10 §3's life cycle. A topic that
// works but that no alarm of the chain notifies is not the chain's: the
// chain's former topic once its alarm is gone, or an application team's
// app-ops (CloudWatch may publish, a confirmed subscriber, the team's
// alarm notifies it). fix --subscribe creates the chain's own topic and
// subscribes the security queue there; the other topic (and the team's
// alarm) stay byte-identical throughout, and --remove leaves the whole
// account as it was.
func TestFixNeverTakesOverATopic(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *awsfake.Cloud)
		topic string
	}{
		{name: "unused chain topic", topic: awsfake.ChainTopic, edit: func(c *awsfake.Cloud) {
			r := c.Accounts[fixAccount].Region(fixRegion)
			delete(r.LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
			delete(r.Alarms, cis.AlarmName)
		}},
		{name: "an application team's topic and alarm", topic: awsfake.AppTeamTopic, edit: func(c *awsfake.Cloud) {
			r := c.Accounts[fixAccount].Region(fixRegion)
			delete(r.LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
			delete(r.Alarms, cis.AlarmName)
			delete(r.Topics, c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic))
			awsfake.AddAppTeam(c, fixAccount, fixRegion)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFixEnv(t)
			e.c.Edit(tt.edit)
			arn := e.c.TopicARN(fixAccount, fixRegion, tt.topic)
			other := func() string {
				var b []byte
				e.c.Edit(func(c *awsfake.Cloud) {
					r := c.Accounts[fixAccount].Region(fixRegion)
					b, _ = json.Marshal([]any{r.Topics[arn], r.Alarms[awsfake.AppTeamAlarm]})
				})
				return string(b)
			}
			before, otherBefore := e.state(), other()
			out := e.expect(exitcode.OK, "+ create SNS topic arn:aws:sns:us-east-1:111111111111:rootwatch-root-usage", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
			if strings.Contains(out, "reusing topic") || strings.Contains(out, tt.topic) {
				t.Errorf("the plan takes over %s:\n%s", tt.topic, out)
			}
			if got := other(); got != otherBefore {
				t.Fatalf("fix changed %s or the team's alarm:\n%s\nwant:\n%s", tt.topic, got, otherBefore)
			}
			e.expect(exitcode.OK, `"status": "PASS"`, "audit", "--regions", fixRegion, "--format", "json")
			e.expect(exitcode.OK, "Plan: 0 to add, 0 to change, 4 to destroy", "backout", "--remove", "--yes")
			if got := e.state(); got != before {
				t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
			}
		})
	}
}

// TestFixDryRunPendingSubscription is issue 17's report: the only
// subscription is pending. audit FAILs (3); fix --dry-run must not call
// the chain in place: it names the link, says only the recipient can
// confirm, and exits Unrepaired.
func TestFixDryRunPendingSubscription(t *testing.T) {
	e := newFixEnv(t)
	e.c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[fixAccount].Region(fixRegion)
		r.Topics[c.TopicARN(fixAccount, fixRegion, awsfake.ChainTopic)].Subscriptions[0].SubscriptionArn = aws.String(awsfake.PendingConfirmationARN)
	})
	e.expect(exitcode.Findings, "pending confirmation", "audit", "--regions", fixRegion)
	out := e.expect(exitcode.Unrepaired, "! cannot repair subscription: FAIL no confirmed subscription", "fix", "--regions", fixRegion, "--dry-run")
	for _, want := range []string{"only the recipient can confirm", "--subscribe sqs:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Every chain is already in place") {
		t.Fatalf("fix calls the chain in place:\n%s", out)
	}
}

// TestFixStrictAgreesWithAuditStrict: on a chain that passes with
// warnings, fix shows them as notes and has nothing to do; with --strict
// (where audit FAILs the warned links) it names them as links it cannot
// repair and exits as audit --strict does.
func TestFixStrictAgreesWithAuditStrict(t *testing.T) {
	e := newFixEnv(t)
	e.expect(exitcode.OK, "note: warning on topic", "fix", "--regions", fixRegion, "--dry-run")
	out := e.expect(exitcode.Unrepaired, "! cannot repair topic: FAIL topic-not-encrypted", "fix", "--regions", fixRegion, "--dry-run", "--strict")
	if !strings.Contains(out, "--strict counts a warning as a FAIL") {
		t.Fatalf("fix --strict does not say why:\n%s", out)
	}
}
