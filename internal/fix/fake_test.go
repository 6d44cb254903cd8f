package fix_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/inventory"
	"github.com/rootwatch/rootwatch/internal/store"
)

const (
	acct   = "111111111111"
	region = "us-east-1"
)

func brokenCloud(t *testing.T) *awsfake.Cloud {
	t.Helper()
	c := awsfake.New()
	c.AddAccount(acct, "prod")
	c.AddCISChain(acct, region, false)
	c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[acct].Region(region)
		delete(r.LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
		delete(r.Alarms, cis.AlarmName)
		delete(r.Topics, c.TopicARN(acct, region, awsfake.ChainTopic))
	})
	return c
}

func collect(t *testing.T, c *awsfake.Cloud) (*inventory.Snapshot, audit.Report) {
	t.Helper()
	snap, err := awsread.Collect(context.Background(), c.Dialer(acct), awsread.Options{Regions: []string{region}, Retry: awsread.Retry{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return snap, audit.Evaluate(snap)
}

func openJournal(t *testing.T) *store.Journal {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	j, err := store.OpenJournal(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// crashRecorder journals Begin but "dies" before recording the outcome of
// the step named crashAt: the call was made, the record says pending.
type crashRecorder struct {
	run     *store.Run
	crashAt fix.Kind
	crashed bool
}

var errCrash = context.Canceled

func (r *crashRecorder) Begin(ctx context.Context, c store.Change) (store.Change, error) {
	if r.crashed {
		return c, errCrash
	}
	return r.run.Begin(ctx, c)
}

func (r *crashRecorder) Finish(ctx context.Context, c *store.Change, result string, err error) error {
	if fix.Kind(c.Kind) == r.crashAt {
		r.crashed = true
		return errCrash
	}
	return r.run.Finish(ctx, c, result, err)
}

// TestResumeAfterCrash: the process dies right after CreateTopic
// succeeded, before the journal recorded it. The next run settles the
// pending change as done (the topic is there), plans only what is left,
// and backout still removes the topic.
func TestResumeAfterCrash(t *testing.T) {
	ctx := context.Background()
	c := brokenCloud(t)
	before, _ := c.StateJSON(acct)
	j := openJournal(t)
	o := fix.Options{Endpoints: []fix.Endpoint{{Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:111111111111:q"}}}

	snap, rep := collect(t, c)
	plan, _ := fix.PlanChanges(ctx, c.WriteDialer(), snap, fix.Verdicts(rep), o)
	run, err := j.StartRun(ctx, "fix", "")
	if err != nil {
		t.Fatal(err)
	}
	rec := &crashRecorder{run: run, crashAt: fix.KindTopic}
	if _, err := (&fix.Applier{Dialer: c.WriteDialer(), Recorder: rec}).Apply(ctx, plan); err == nil {
		t.Fatal("the crash was not reported")
	}
	pending, _ := j.Changes(ctx, store.ChangeQuery{Statuses: []string{store.ChangePending}})
	if len(pending) != 1 || pending[0].Kind != string(fix.KindTopic) {
		t.Fatalf("pending = %+v", pending)
	}

	snap, rep = collect(t, c)
	plan, facts := fix.PlanChanges(ctx, c.WriteDialer(), snap, fix.Verdicts(rep), o)
	if n, err := fix.Reconcile(ctx, j, snap, facts); err != nil || n != 1 {
		t.Fatalf("Reconcile = %d, %v", n, err)
	}
	settled, _ := j.Changes(ctx, store.ChangeQuery{Statuses: []string{store.ChangeDone}, Unreverted: true})
	if len(settled) != 2 || settled[1].Kind != string(fix.KindTopic) {
		t.Fatalf("done after reconcile = %+v", settled)
	}
	for _, s := range plan.Accounts[0].Steps {
		if s.Kind == fix.KindTopic || s.Kind == fix.KindMetricFilter {
			t.Errorf("resumed plan redoes %s %s", s.Kind, s.Resource)
		}
	}
	run2, _ := j.StartRun(ctx, "fix", "")
	res, err := (&fix.Applier{Dialer: c.WriteDialer(), Recorder: run2}).Apply(ctx, plan)
	if err != nil || res.Failed() != 0 {
		t.Fatalf("resume: %v %s", err, res.Summary())
	}
	if _, rep := collect(t, c); rep.Accounts[0].Status != audit.Pass {
		t.Fatalf("after resume: %+v", rep.Accounts[0].Links)
	}

	back, err := fix.PlanBackout(ctx, c.WriteDialer(), j, fix.BackoutRequest{Mode: fix.BackoutRemove, AllowUnsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	run3, _ := j.StartRun(ctx, "backout", "--remove")
	if len(back.Refused) > 0 {
		t.Fatalf("refused: %v", back.Refused)
	}
	if res, err := (&fix.Applier{Dialer: c.WriteDialer(), Recorder: run3, Reverted: j}).Apply(ctx, back.Plan); err != nil || res.Failed() != 0 {
		t.Fatalf("remove: %v %s", err, res.Summary())
	}
	if after, _ := c.StateJSON(acct); after != before {
		t.Fatalf("after remove:\n%s\nwant:\n%s", after, before)
	}
}

// silentHistory hides every alarm history item: CloudWatch never reports
// the action, as when it is slow or the alarm's region is wrong.
type silentHistory struct{ fix.CloudWatchAPI }

func (silentHistory) DescribeAlarmHistory(context.Context, *cloudwatch.DescribeAlarmHistoryInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmHistoryOutput, error) {
	return &cloudwatch.DescribeAlarmHistoryOutput{}, nil
}

type silentConn struct{ awsfake.WriteConn }

func (s silentConn) CloudWatch(r string) fix.CloudWatchAPI {
	return silentHistory{s.WriteConn.CloudWatch(r)}
}

type silentDialer struct{ c *awsfake.Cloud }

func (d silentDialer) Conn(context.Context, string) (fix.Conn, error) {
	return silentConn{d.c.WriteConn(acct)}, nil
}

// TestVerifyTimesOut: the poll is bounded by the injected clock, reports
// FAIL, and the alarm state is put back.
func TestVerifyTimesOut(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(acct, "prod")
	c.AddCISChain(acct, region, false)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	polls := 0
	v := &fix.Verifier{
		Dialer:   silentDialer{c},
		Now:      func() time.Time { return now },
		Sleep:    func(context.Context, time.Duration) error { polls++; now = now.Add(5 * time.Second); return nil },
		Timeout:  30 * time.Second,
		Interval: 5 * time.Second,
	}
	r := v.Verify(context.Background(), fix.VerifyTarget{Account: acct, Region: region, Alarm: cis.AlarmName})
	if r.OK || r.Err != nil || !r.Restored {
		t.Fatalf("result = %+v", r)
	}
	if polls != 6 {
		t.Errorf("slept %d times, want 6 (30 s / 5 s)", polls)
	}
	if !strings.Contains(strings.Join(r.Lines, "\n"), "no action recorded") {
		t.Errorf("lines = %v", r.Lines)
	}
	out, _ := c.WriteConn(acct).CloudWatch(region).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{cis.AlarmName}})
	if got := out.MetricAlarms[0].StateValue; got != "OK" {
		t.Errorf("state after verify = %s, want OK", got)
	}
}

func auditEvaluate(s *inventory.Snapshot) audit.Report { return audit.Evaluate(s) }
