package awsread

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// SchedulerAPI reads the one-time schedule `rootwatch backout
// --disable-actions --for D` leaves to re-enable an alarm's actions, so
// the audit can say until when they are off.
type SchedulerAPI interface {
	GetSchedule(ctx context.Context, in *scheduler.GetScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
}

var _ SchedulerAPI = (*scheduler.Client)(nil)

// EnableAlarmActionsTarget is the EventBridge Scheduler universal target
// (arn:PARTITION:scheduler:::aws-sdk:SERVICE:API_ACTION, per the
// Scheduler user guide, "Using universal targets") that calls
// CloudWatch's EnableAlarmActions with the schedule's input.
func EnableAlarmActionsTarget(partition string) string {
	return "arn:" + partition + ":scheduler:::aws-sdk:cloudwatch:enableAlarmActions"
}

// readReenables reads, for every alarm whose actions are disabled, the
// schedule backout would have left to re-enable them. Only a schedule
// that really calls EnableAlarmActions on that alarm counts: a schedule
// of the same name doing something else is not a promise.
func (r *accountReader) readReenables(ctx context.Context) {
	var idx []int
	for i, al := range r.a.Alarms {
		if !al.ActionsEnabled && !al.MetricMath {
			idx = append(idx, i)
		}
	}
	out := make([]*inventory.Reenable, len(idx))
	r.parallel(ctx, len(idx), func(ctx context.Context, k int) {
		al := r.a.Alarms[idx[k]]
		out[k] = ReadReenable(ctx, r.conn.Scheduler(al.Region), r.o.Retry, r.a.ID, al.Region, al.Name)
	})
	for k, i := range idx {
		r.a.Alarms[i].Reenable = out[k]
	}
}

// ReadReenable reads alarm's re-enable schedule: nil when there is none,
// a Reenable with Err when it could not be read.
func ReadReenable(ctx context.Context, sc SchedulerAPI, retry Retry, account, region, alarm string) *inventory.Reenable {
	name := inventory.ReenableScheduleName(account, region, alarm)
	out, err := do(ctx, retry, "scheduler:GetSchedule", func(ctx context.Context) (*scheduler.GetScheduleOutput, error) {
		return sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name)})
	})
	if err != nil {
		if code(err) == "ResourceNotFoundException" {
			return nil
		}
		return &inventory.Reenable{Schedule: name, Err: readErr(err)}
	}
	if !enablesAlarm(out, alarm) {
		return nil
	}
	at, err := ParseAtExpression(aws.ToString(out.ScheduleExpression), aws.ToString(out.ScheduleExpressionTimezone))
	if err != nil {
		// It re-enables the alarm, but when cannot be told: unknown,
		// not "none".
		return &inventory.Reenable{Schedule: name, Err: &inventory.ReadError{Action: "scheduler:GetSchedule", Kind: inventory.Failed, Message: "cannot read when it runs: " + err.Error()}}
	}
	return &inventory.Reenable{Schedule: name, At: at}
}

// enablesAlarm reports whether schedule out's target calls
// EnableAlarmActions on alarm.
func enablesAlarm(out *scheduler.GetScheduleOutput, alarm string) bool {
	if out.Target == nil || !strings.HasSuffix(aws.ToString(out.Target.Arn), ":scheduler:::aws-sdk:cloudwatch:enableAlarmActions") {
		return false
	}
	var in struct{ AlarmNames []string }
	return json.Unmarshal([]byte(aws.ToString(out.Target.Input)), &in) == nil && slices.Contains(in.AlarmNames, alarm)
}

// atLayout is a one-time schedule's time: at(yyyy-mm-ddThh:mm:ss), in the
// schedule's time zone (UTC unless ScheduleExpressionTimezone says
// otherwise), per the Scheduler user guide, "Schedule types".
const atLayout = "2006-01-02T15:04:05"

// AtExpression is the one-time schedule expression for t, in UTC.
func AtExpression(t time.Time) string { return "at(" + t.UTC().Format(atLayout) + ")" }

// ParseAtExpression reads an at(...) expression in time zone tz ("" is
// UTC).
func ParseAtExpression(expr, tz string) (time.Time, error) {
	s, ok := strings.CutPrefix(expr, "at(")
	if !ok || !strings.HasSuffix(s, ")") {
		return time.Time{}, fmt.Errorf("not a one-time schedule expression: %q", expr)
	}
	loc := time.UTC
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return time.Time{}, err
		}
		loc = l
	}
	t, err := time.ParseInLocation(atLayout, strings.TrimSuffix(s, ")"), loc)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
