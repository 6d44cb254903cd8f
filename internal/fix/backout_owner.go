package fix

// Before backout deletes or restores anything it checks that the live
// resource is still the one rootwatch made or left: a journal row says
// what rootwatch did, not what the thing with that name is today. What
// can be tagged must carry rootwatch's tag (fix tags everything it
// creates); what cannot (a metric filter, a topic policy) must match the
// journaled definition byte for byte. Anything else is refused and named,
// never touched.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// Refusal is a journaled change backout will not act on, and why.
type Refusal struct {
	Account, Region string
	Kind            Kind
	Resource        string
	// Ref is the journal row ("RUN/SEQ").
	Ref string
	Why string
}

func (r Refusal) String() string {
	return fmt.Sprintf("account %s, %s: refused %s %s (journal %s): %s", r.Account, r.Region, kindTitle[r.Kind], r.Resource, r.Ref, r.Why)
}

// notOwned explains why step s must not run, or is "" when the live
// resource is rootwatch's (or already gone, which the step tolerates).
func notOwned(ctx context.Context, conn Conn, s Step) string {
	why, err := ownership(ctx, conn, s)
	if err != nil {
		return fmt.Sprintf("could not check that it is rootwatch's: %s: %v", Classify(err), err)
	}
	return why
}

func ownership(ctx context.Context, conn Conn, s Step) (string, error) {
	switch {
	case s.Kind == KindAlarm && s.Action == Delete:
		m, err := readAlarm(ctx, conn.CloudWatch(s.Region), s.Resource)
		if errors.Is(err, ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		mine, err := alarmTagged(ctx, conn.CloudWatch(s.Region), aws.ToString(m.AlarmArn))
		if err != nil || mine {
			return "", ignoreNotFound(err)
		}
		return untagged, nil
	case s.Kind == KindAlarm:
		// A restore or an action switch on an alarm fix changed: it must
		// still be the alarm fix left.
		live, err := describeAlarm(ctx, conn.CloudWatch(s.Region), s.Resource)
		if errors.Is(err, ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if want, ok := s.Before.(*AlarmSpec); ok && !sameAlarm(live, want) {
			return "the alarm has been changed since rootwatch changed it; putting the old one back would overwrite that", nil
		}
	case s.Kind == KindTopic && s.Action == Delete:
		out, err := conn.SNS(s.Region).ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(s.Resource)})
		if err != nil {
			return "", ignoreNotFound(err)
		}
		for _, t := range out.Tags {
			if aws.ToString(t.Key) == TagManaged && aws.ToString(t.Value) == "true" {
				return "", nil
			}
		}
		return untagged, nil
	case s.Kind == KindTopicPolicy:
		want := s.Before.(*TopicPolicySpec)
		out, err := conn.SNS(s.Region).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &want.TopicARN})
		if err != nil {
			return "", ignoreNotFound(err)
		}
		if out.Attributes["Policy"] != want.Policy {
			return "the topic policy is no longer the one rootwatch wrote", nil
		}
	case s.Kind == KindMetricFilter:
		want := s.Before.(*MetricFilterSpec)
		out, err := conn.Logs(s.Region).DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: &want.LogGroup, FilterNamePrefix: &want.Name})
		if err != nil {
			return "", ignoreNotFound(err)
		}
		for _, f := range out.MetricFilters {
			if aws.ToString(f.FilterName) != want.Name {
				continue
			}
			live := &MetricFilterSpec{LogGroup: want.LogGroup, Name: want.Name, Pattern: aws.ToString(f.FilterPattern)}
			if len(f.MetricTransformations) == 1 {
				t := f.MetricTransformations[0]
				live.MetricName, live.Namespace, live.Value = aws.ToString(t.MetricName), aws.ToString(t.MetricNamespace), aws.ToString(t.MetricValue)
				live.Default, live.Unit = t.DefaultValue, string(t.Unit)
			}
			a, _ := encodeSpec(live)
			b, _ := encodeSpec(want)
			if a != b {
				return "the metric filter's definition is not the one rootwatch journaled (metric filters cannot be tagged, so it is compared whole)", nil
			}
		}
	case s.Kind == KindLogGroup && s.Action == Delete:
		want := s.Before.(*LogGroupSpec)
		out, err := conn.Logs(s.Region).ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(strings.TrimSuffix(want.ARN, ":*"))})
		if err != nil {
			return "", ignoreNotFound(err)
		}
		if out.Tags[TagManaged] != "true" {
			return untagged, nil
		}
	case s.Kind == KindSchedule && s.Action == Delete:
		// Schedules cannot be tagged: the live one must be the journaled
		// one (same time, target, role and input).
		want := s.Before.(*ScheduleSpec)
		out, err := conn.Scheduler(s.Region).GetSchedule(ctx, &scheduler.GetScheduleInput{Name: &want.Name})
		if err != nil {
			return "", ignoreNotFound(err)
		}
		live := &ScheduleSpec{Name: want.Name, Expression: aws.ToString(out.ScheduleExpression)}
		if out.Target != nil {
			live.TargetARN, live.RoleARN, live.Input = aws.ToString(out.Target.Arn), aws.ToString(out.Target.RoleArn), aws.ToString(out.Target.Input)
		}
		if *live != *want {
			return "the schedule is no longer the one rootwatch created (schedules cannot be tagged, so it is compared whole)", nil
		}
	case (s.Kind == KindRole || s.Kind == KindRolePolicy) && s.Action == Delete:
		name := ""
		switch b := s.Before.(type) {
		case *RoleSpec:
			name = b.Name
		case *RolePolicySpec:
			name = b.Role
		}
		out, err := conn.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
		if err != nil {
			return "", ignoreNotFound(err)
		}
		for _, t := range out.Role.Tags {
			if aws.ToString(t.Key) == TagManaged && aws.ToString(t.Value) == "true" {
				return "", nil
			}
		}
		return "role " + name + " " + untagged, nil
	}
	return "", nil
}

// alarmTagged reports whether the alarm carries rootwatch's tag.
func alarmTagged(ctx context.Context, cw CloudWatchAPI, arn string) (bool, error) {
	out, err := cw.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: &arn})
	if err != nil {
		return false, err
	}
	for _, t := range out.Tags {
		if aws.ToString(t.Key) == TagManaged && aws.ToString(t.Value) == "true" {
			return true, nil
		}
	}
	return false, nil
}

const untagged = "it does not carry rootwatch's tag " + TagManaged + "=true, so rootwatch did not create it"

// sameAlarm compares what fix sets on an alarm; tags (PutMetricAlarm
// ignores them on update) and the actions switch (which backout itself
// flips) are left out.
func sameAlarm(live, want *AlarmSpec) bool {
	a, b := *live, *want
	a.Tags, b.Tags = nil, nil
	a.ActionsEnabled, b.ActionsEnabled = false, false
	x, _ := encodeSpec(&a)
	y, _ := encodeSpec(&b)
	return x == y
}
