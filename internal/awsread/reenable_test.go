package awsread_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// TestCollectReadsReenableSchedule: a disabled alarm with rootwatch's
// re-enable schedule carries its time; a schedule of that name that does
// something else is no promise; a denied read is kept as an error, not
// dropped (the audit then says "unknown when").
func TestCollectReadsReenableSchedule(t *testing.T) {
	at := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	name := inventory.ReenableScheduleName(mgmt, home, cis.AlarmName)
	for _, tc := range []struct {
		name    string
		target  string
		input   string
		deny    bool
		expr    string
		want    string
		wantErr bool
	}{
		{name: "rootwatch's schedule", target: awsfake.EnableAlarmActionsTarget, input: `{"AlarmNames":["` + cis.AlarmName + `"]}`, want: "2026-12-01T14:00:00Z"},
		{name: "same name, other target", target: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", input: `{}`},
		{name: "same name, other alarm", target: awsfake.EnableAlarmActionsTarget, input: `{"AlarmNames":["other"]}`},
		{name: "denied", target: awsfake.EnableAlarmActionsTarget, input: `{"AlarmNames":["` + cis.AlarmName + `"]}`, deny: true, wantErr: true},
		{name: "recurring, so no time", target: awsfake.EnableAlarmActionsTarget, input: `{"AlarmNames":["` + cis.AlarmName + `"]}`, expr: "rate(1 hour)", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := awsfake.New()
			c.AddAccount(mgmt, "management")
			c.AddCISChain(mgmt, home, false)
			c.Edit(func(c *awsfake.Cloud) {
				c.Accounts[mgmt].Region(home).Alarms[cis.AlarmName].ActionsEnabled = aws.Bool(false)
			})
			expr := awsread.AtExpression(at)
			if tc.expr != "" {
				expr = tc.expr
			}
			_, err := c.Conn(mgmt).SchedulerClient(home).CreateSchedule(context.Background(), &scheduler.CreateScheduleInput{
				Name: aws.String(name), ScheduleExpression: aws.String(expr),
				FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
				Target:             &schedtypes.Target{Arn: aws.String(tc.target), RoleArn: aws.String("arn:aws:iam::111111111111:role/r"), Input: aws.String(tc.input)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.deny {
				c.Deny(mgmt, "scheduler:GetSchedule")
			}
			s := collect(t, c.Dialer(mgmt), awsread.Options{Regions: []string{home}})
			var re *inventory.Reenable
			for _, al := range s.Accounts[0].Alarms {
				if al.Name == cis.AlarmName {
					re = al.Reenable
				}
			}
			switch {
			case tc.wantErr:
				if re == nil || re.Err == nil || (tc.deny && re.Err.Kind != inventory.Denied) || !strings.Contains(re.Err.Verdict(), "scheduler:GetSchedule") {
					t.Fatalf("Reenable = %+v, want a denied read", re)
				}
			case tc.want == "":
				if re != nil {
					t.Fatalf("Reenable = %+v, want none", re)
				}
			default:
				if re == nil || re.At.Format(time.RFC3339) != tc.want || re.Schedule != name {
					t.Fatalf("Reenable = %+v, want %s at %s", re, name, tc.want)
				}
			}
		})
	}
}

func TestReenableScheduleName(t *testing.T) {
	long := strings.Repeat("Root Account Usage/alarm ", 12)
	for _, alarm := range []string{cis.AlarmName, "RootAccountUsageAlarm", long, "ünïcode alarm"} {
		n := inventory.ReenableScheduleName(mgmt, home, alarm)
		if len(n) > 64 || strings.Trim(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			t.Errorf("name %q for %q is not a valid schedule and role name", n, alarm)
		}
	}
	if inventory.ReenableScheduleName(mgmt, home, "a") == inventory.ReenableScheduleName(mgmt, "us-east-1", "a") {
		t.Error("the same alarm name in two regions gets one name (IAM roles are global)")
	}
	if got, err := awsread.ParseAtExpression(awsread.AtExpression(time.Date(2026, 12, 1, 14, 0, 0, 0, time.FixedZone("x", 3600))), ""); err != nil || !got.Equal(time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("at round trip = %v, %v", got, err)
	}
}
