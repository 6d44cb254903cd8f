package fix

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/store"
)

// VerifyTarget is an alarm to test end to end.
type VerifyTarget struct {
	Account, Region, Alarm string
}

// VerifyResult is what a live test showed.
type VerifyResult struct {
	VerifyTarget
	OK bool
	// Lines are the report, one finding each.
	Lines []string
	// Restored is false when putting the alarm state back failed.
	Restored bool
	Err      error
}

// Verifier forces an alarm into ALARM, watches its history for the SNS
// action to run and puts the state back. It sends a real notification to
// every subscriber, which is the point, and why it is opt-in (--live).
type Verifier struct {
	Dialer Dialer
	Now    func() time.Time
	// Sleep waits between history polls; injected so tests do not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Timeout bounds the wait for the action (default 2 minutes);
	// Interval is the poll period (default 5 seconds).
	Timeout, Interval time.Duration
	// Recorder, when set, journals each forced state change before and
	// after it is made, so a test cut short shows in the journal.
	Recorder Recorder
}

// setState forces the alarm's state, journaled.
func (v *Verifier) setState(ctx context.Context, cw CloudWatchAPI, t VerifyTarget, from, to cwtypes.StateValue, reason string) error {
	var ch store.Change
	if v.Recorder != nil {
		before, _ := encodeSpec(&AlarmStateSpec{State: string(from)})
		after, _ := encodeSpec(&AlarmStateSpec{State: string(to)})
		var err error
		ch, err = v.Recorder.Begin(ctx, store.Change{Account: t.Account, Region: t.Region, Kind: string(KindAlarmState),
			Resource: t.Alarm, Action: string(SetState), Before: before, After: after})
		if err != nil {
			return err
		}
	}
	_, err := cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: &t.Alarm, StateValue: to, StateReason: aws.String(reason)})
	if v.Recorder != nil {
		if jerr := v.Recorder.Finish(ctx, &ch, "", err); jerr != nil && err == nil {
			err = jerr
		}
	}
	return err
}

// Reasons the alarm state is set with; they show in the alarm history
// and in the notification itself, so nobody mistakes the test for an
// incident.
const (
	verifyReason  = "rootwatch verify --live: testing that this alarm reaches its subscribers. This is a test, not root activity."
	restoreReason = "rootwatch verify --live: test finished, state restored."
)

// Verify tests one alarm.
func (v *Verifier) Verify(ctx context.Context, t VerifyTarget) (r VerifyResult) {
	r = VerifyResult{VerifyTarget: t, Restored: true}
	conn, err := v.Dialer.Conn(ctx, t.Account)
	if err != nil {
		r.Err = fmt.Errorf("open clients: %w", err)
		return r
	}
	cw := conn.CloudWatch(t.Region)
	alarm, err := readAlarm(ctx, cw, t.Alarm)
	if alias := cis.AlarmNameAlias(t.Alarm); errors.Is(err, ErrNotFound) && alias != "" {
		// The seeds' name and rootwatch's default name are one chain.
		if a, aerr := readAlarm(ctx, cw, alias); aerr == nil {
			r.Lines = append(r.Lines, fmt.Sprintf("no alarm %s; testing %s, the same chain's alarm under the CIS guides' other name", t.Alarm, alias))
			alarm, err, t.Alarm = a, nil, alias
			r.VerifyTarget = t
		}
	}
	if errors.Is(err, ErrNotFound) {
		r.Lines = append(r.Lines, "FAIL: the alarm does not exist")
		return r
	}
	if err != nil {
		r.Err = fmt.Errorf("read alarm: %s: %w", Classify(err), err)
		return r
	}
	cur, prev := specOf(alarm), alarm.StateValue
	topics := snsActions(cur.AlarmActions)
	switch {
	case !cur.ActionsEnabled:
		r.Lines = append(r.Lines, "FAIL: the alarm's actions are disabled, so ALARM would notify nobody (rootwatch backout --enable-actions)")
		return r
	case len(topics) == 0:
		r.Lines = append(r.Lines, "FAIL: the alarm has no SNS action")
		return r
	}
	seen, err := v.actionHistory(ctx, cw, t.Alarm)
	if err != nil {
		r.Err = fmt.Errorf("read alarm history: %s: %w", Classify(err), err)
		return r
	}
	defer func() {
		// Put the state back even when the test was cancelled.
		rctx := context.WithoutCancel(ctx)
		if err := v.setState(rctx, cw, t, cwtypes.StateValueAlarm, prev, restoreReason); err != nil {
			r.Restored = false
			r.Lines = append(r.Lines, fmt.Sprintf("WARNING: could not put the alarm back to %s (%v); CloudWatch will re-evaluate it within %d s", prev, err, cur.Period))
		} else {
			r.Lines = append(r.Lines, fmt.Sprintf("restored the alarm state to %s", prev))
		}
	}()
	if prev == cwtypes.StateValueAlarm {
		// Already in ALARM: no transition, so no action. Step out first.
		if err := v.setState(ctx, cw, t, prev, cwtypes.StateValueOk, verifyReason); err != nil {
			r.Err = fmt.Errorf("set alarm state: %s: %w", Classify(err), err)
			return r
		}
	}
	start := v.Now()
	from := prev
	if prev == cwtypes.StateValueAlarm {
		from = cwtypes.StateValueOk
	}
	if err := v.setState(ctx, cw, t, from, cwtypes.StateValueAlarm, verifyReason); err != nil {
		r.Err = fmt.Errorf("set alarm state: %s: %w", Classify(err), err)
		return r
	}
	r.Lines = append(r.Lines, "set the alarm to ALARM (a test notification is on its way)")
	outcome, err := v.waitForActions(ctx, cw, t.Alarm, topics, seen, start)
	if err != nil {
		r.Err = err
		return r
	}
	r.OK = true
	for _, topic := range topics {
		res, ok := outcome[topic]
		switch {
		case !ok:
			r.OK = false
			r.Lines = append(r.Lines, fmt.Sprintf("FAIL: no action recorded for %s within %s", topic, v.timeout()))
		case !strings.HasPrefix(res, "Successfully"):
			r.OK = false
			r.Lines = append(r.Lines, "FAIL: "+res)
		default:
			r.Lines = append(r.Lines, "PASS: CloudWatch published to "+topic+subscriberNote(ctx, conn.SNS(t.Region), topic))
		}
	}
	return r
}

func (v *Verifier) timeout() time.Duration {
	if v.Timeout > 0 {
		return v.Timeout
	}
	return 2 * time.Minute
}

func (v *Verifier) interval() time.Duration {
	if v.Interval > 0 {
		return v.Interval
	}
	return 5 * time.Second
}

// historyKey identifies a history item across polls.
func historyKey(it cwtypes.AlarmHistoryItem) string {
	return aws.ToTime(it.Timestamp).Format(time.RFC3339Nano) + "\x00" + aws.ToString(it.HistorySummary)
}

// actionHistory is the set of Action items already there, so only the
// ones the test causes are counted.
func (v *Verifier) actionHistory(ctx context.Context, cw CloudWatchAPI, alarm string) (map[string]bool, error) {
	seen := map[string]bool{}
	out, err := cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{
		AlarmName: &alarm, HistoryItemType: cwtypes.HistoryItemTypeAction, MaxRecords: aws.Int32(100),
	})
	if err != nil {
		return nil, err
	}
	for _, it := range out.AlarmHistoryItems {
		seen[historyKey(it)] = true
	}
	return seen, nil
}

// waitForActions polls the history until every topic has an outcome or
// the timeout passes; it returns the summary per topic.
func (v *Verifier) waitForActions(ctx context.Context, cw CloudWatchAPI, alarm string, topics []string, seen map[string]bool, start time.Time) (map[string]string, error) {
	outcome := map[string]string{}
	deadline := start.Add(v.timeout())
	for {
		var token *string
		for {
			out, err := cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{
				AlarmName: &alarm, HistoryItemType: cwtypes.HistoryItemTypeAction, MaxRecords: aws.Int32(100), NextToken: token,
			})
			if err != nil {
				return nil, fmt.Errorf("read alarm history: %s: %w", Classify(err), err)
			}
			for _, it := range out.AlarmHistoryItems {
				if seen[historyKey(it)] {
					continue
				}
				sum := aws.ToString(it.HistorySummary)
				for _, t := range topics {
					if strings.Contains(sum, t) {
						if _, done := outcome[t]; !done {
							outcome[t] = sum
						}
					}
				}
			}
			if out.NextToken == nil || len(outcome) == len(topics) {
				break
			}
			token = out.NextToken
		}
		if len(outcome) == len(topics) || !v.Now().Before(deadline) {
			return outcome, nil
		}
		if err := v.Sleep(ctx, v.interval()); err != nil {
			return nil, err
		}
	}
}

func subscriberNote(ctx context.Context, client SNSAPI, topic string) string {
	out, err := client.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
	if err != nil {
		return ""
	}
	var confirmed []string
	pending := 0
	for _, s := range out.Subscriptions {
		if aws.ToString(s.SubscriptionArn) == "PendingConfirmation" {
			pending++
			continue
		}
		confirmed = append(confirmed, aws.ToString(s.Protocol)+":"+displayEndpoint(aws.ToString(s.Protocol), aws.ToString(s.Endpoint)))
	}
	note := fmt.Sprintf("; SNS delivers it to %d confirmed subscriber(s)", len(confirmed))
	if len(confirmed) > 0 {
		note += " (" + strings.Join(confirmed, ", ") + ")"
	}
	if pending > 0 {
		note += fmt.Sprintf("; %d pending subscription(s) will not receive it", pending)
	}
	return note + ": ask them to confirm they received it"
}
