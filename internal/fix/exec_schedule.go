package fix

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

// schedule creates or deletes a re-enable schedule. The schedule is one
// time (at(...), UTC), deletes itself once it has run
// (ActionAfterCompletion DELETE) and has no flexible window: the actions
// come back when the user was told they would.
func (x *executor) schedule(ctx context.Context, s *Step) (string, error) {
	client := x.conn.Scheduler(s.Region)
	if s.Action == Delete {
		b := s.Before.(*ScheduleSpec)
		_, err := client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: &b.Name})
		return "", ignoreNotFound(err)
	}
	a := s.After.(*ScheduleSpec)
	in := &scheduler.CreateScheduleInput{
		Name: &a.Name, ScheduleExpression: &a.Expression, ScheduleExpressionTimezone: aws.String("UTC"),
		ActionAfterCompletion: schedtypes.ActionAfterCompletionDelete,
		FlexibleTimeWindow:    &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Description:           aws.String("re-enables the actions of a CIS 4.3 root-usage alarm after rootwatch backout --disable-actions --for"),
		Target:                &schedtypes.Target{Arn: &a.TargetARN, RoleArn: &a.RoleARN, Input: &a.Input},
	}
	for attempt := 1; ; attempt++ {
		out, err := client.CreateSchedule(ctx, in)
		if err == nil {
			return aws.ToString(out.ScheduleArn), nil
		}
		// A role created seconds ago may not yet be assumable by the
		// scheduler (IAM is eventually consistent): Scheduler answers
		// ValidationException naming the role.
		if attempt == trailRetries || errorCode(err) != "ValidationException" || !strings.Contains(strings.ToLower(err.Error()), "role") {
			return "", err
		}
		if err := x.sleep(ctx, trailRetryDelay); err != nil {
			return "", err
		}
	}
}
