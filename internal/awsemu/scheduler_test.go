package awsemu_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
)

// TestSchedulesOverTheWire: Scheduler's restJson1 operations, with the
// name in the path, reach the model: create, read back, delete, and a
// read of what is gone is ResourceNotFoundException.
func TestSchedulesOverTheWire(t *testing.T) {
	ctx := context.Background()
	cloud := awsfake.New()
	cloud.AddAccount(mgmt, "management")
	sc := scheduler.NewFromConfig(config(start(t, awsemu.New(cloud)), "AKIA"+mgmt))
	_, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
		Name: aws.String("rootwatch-reenable-x"), ScheduleExpression: aws.String("at(2026-12-01T14:00:00)"),
		ActionAfterCompletion: schedtypes.ActionAfterCompletionDelete,
		FlexibleTimeWindow:    &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target: &schedtypes.Target{Arn: aws.String(awsfake.EnableAlarmActionsTarget), RoleArn: aws.String("arn:aws:iam::111111111111:role/r"),
			Input: aws.String(`{"AlarmNames":["a"]}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("rootwatch-reenable-x")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.ScheduleExpression) != "at(2026-12-01T14:00:00)" || aws.ToString(got.Target.Input) != `{"AlarmNames":["a"]}` ||
		got.ActionAfterCompletion != schedtypes.ActionAfterCompletionDelete {
		t.Errorf("GetSchedule = %+v", got)
	}
	if _, err := sc.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("rootwatch-reenable-x")}); err != nil {
		t.Fatal(err)
	}
	_, err = sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("rootwatch-reenable-x")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" {
		t.Fatalf("GetSchedule after delete: %v, want ResourceNotFoundException", err)
	}
}
