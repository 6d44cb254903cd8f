package fix

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsread"
)

// executor makes one step's AWS calls. It returns what later steps or
// backout need (an ARN) and, for a topic policy merged afresh, the state
// the step really replaced.
type executor struct {
	conn Conn
	// sleep waits between retries of UpdateTrail while IAM propagates the
	// new role; injected so tests do not wait.
	sleep func(ctx context.Context, d time.Duration) error
}

// trailRetries bounds the wait for a new IAM role to become usable by
// CloudTrail (IAM is eventually consistent; AWS advises seconds).
const (
	trailRetries    = 6
	trailRetryDelay = 5 * time.Second
)

func (x *executor) run(ctx context.Context, s *Step) (result string, err error) {
	switch s.Kind {
	case KindMetricFilter:
		return "", x.metricFilter(ctx, s)
	case KindAlarm:
		return "", x.alarm(ctx, s)
	case KindTopic:
		return x.topic(ctx, s)
	case KindTopicPolicy:
		return "", x.topicPolicy(ctx, s)
	case KindSubscription:
		return x.subscription(ctx, s)
	case KindLogGroup:
		return "", x.logGroup(ctx, s)
	case KindRole:
		return "", x.role(ctx, s)
	case KindRolePolicy:
		return "", x.rolePolicy(ctx, s)
	case KindTrailDelivery:
		return "", x.trailDelivery(ctx, s)
	case KindSchedule:
		return x.schedule(ctx, s)
	}
	return "", fmt.Errorf("unknown resource kind %q", s.Kind)
}

func (x *executor) metricFilter(ctx context.Context, s *Step) error {
	logs := x.conn.Logs(s.Region)
	if s.Action == Delete {
		b := s.Before.(*MetricFilterSpec)
		_, err := logs.DeleteMetricFilter(ctx, &cloudwatchlogs.DeleteMetricFilterInput{LogGroupName: &b.LogGroup, FilterName: &b.Name})
		return ignoreNotFound(err)
	}
	a := s.After.(*MetricFilterSpec)
	_, err := logs.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{
		LogGroupName: &a.LogGroup, FilterName: &a.Name, FilterPattern: &a.Pattern,
		MetricTransformations: []logtypes.MetricTransformation{{
			MetricName: &a.MetricName, MetricNamespace: &a.Namespace, MetricValue: &a.Value,
			DefaultValue: a.Default, Unit: logtypes.StandardUnit(a.Unit),
		}},
	})
	if s.Action == Restore {
		return ignoreNotFound(err) // the log group is gone: nothing to restore
	}
	return err
}

func (x *executor) alarm(ctx context.Context, s *Step) error {
	cw := x.conn.CloudWatch(s.Region)
	switch s.Action {
	case Delete:
		_, err := cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{s.Resource}})
		return ignoreNotFound(err)
	case EnableActions:
		_, err := cw.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{s.Resource}})
		return err
	case DisableActions:
		_, err := cw.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{s.Resource}})
		return err
	}
	a := s.After.(*AlarmSpec)
	if s.Action == Update {
		// The snapshot lacks some fields (description, insufficient-data
		// actions); read the alarm whole so a restore is exact.
		full, err := describeAlarm(ctx, cw, s.Resource)
		switch {
		case err == nil:
			s.Before = full
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("read the alarm before changing it: %w", err)
		}
	}
	in := &cloudwatch.PutMetricAlarmInput{
		AlarmName: &a.Name, Namespace: &a.Namespace, MetricName: &a.MetricName,
		Period: aws.Int32(a.Period), Threshold: aws.Float64(a.Threshold),
		ComparisonOperator: cwtypes.ComparisonOperator(a.Comparison), EvaluationPeriods: aws.Int32(a.EvaluationPeriods),
		ActionsEnabled: aws.Bool(a.ActionsEnabled), AlarmActions: a.AlarmActions, OKActions: a.OKActions,
		InsufficientDataActions: a.InsufficientDataActions, Unit: cwtypes.StandardUnit(a.Unit),
	}
	if a.Description != "" {
		in.AlarmDescription = &a.Description
	}
	if a.Statistic != "" {
		in.Statistic = cwtypes.Statistic(a.Statistic)
	} else if a.ExtendedStatistic != "" {
		in.ExtendedStatistic = &a.ExtendedStatistic
	}
	if a.DatapointsToAlarm > 0 {
		in.DatapointsToAlarm = aws.Int32(a.DatapointsToAlarm)
	}
	if a.TreatMissingData != "" {
		in.TreatMissingData = &a.TreatMissingData
	}
	for _, k := range sortedKeys(a.Dimensions) {
		in.Dimensions = append(in.Dimensions, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(a.Dimensions[k])})
	}
	for _, k := range sortedKeys(a.Tags) {
		in.Tags = append(in.Tags, cwtypes.Tag{Key: aws.String(k), Value: aws.String(a.Tags[k])})
	}
	_, err := cw.PutMetricAlarm(ctx, in)
	return err
}

// ErrNotFound is returned by finders when the resource does not exist.
var ErrNotFound = errors.New("not found")

// readAlarm reads one metric alarm (ErrNotFound when it does not exist).
func readAlarm(ctx context.Context, cw CloudWatchAPI, name string) (cwtypes.MetricAlarm, error) {
	out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}, AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}})
	if err != nil {
		return cwtypes.MetricAlarm{}, err
	}
	for _, m := range out.MetricAlarms {
		if aws.ToString(m.AlarmName) == name {
			return m, nil
		}
	}
	return cwtypes.MetricAlarm{}, fmt.Errorf("alarm %s: %w", name, ErrNotFound)
}

// describeAlarm reads one metric alarm whole, as the journal keeps it.
func describeAlarm(ctx context.Context, cw CloudWatchAPI, name string) (*AlarmSpec, error) {
	m, err := readAlarm(ctx, cw, name)
	if err != nil {
		return nil, err
	}
	return specOf(m), nil
}

// specOf is the snapshot's view of an alarm (awsread.AlarmFrom) plus the
// settings only a restore needs.
func specOf(m cwtypes.MetricAlarm) *AlarmSpec {
	s := alarmSpec(awsread.AlarmFrom(m, ""))
	s.Description = aws.ToString(m.AlarmDescription)
	s.InsufficientDataActions = m.InsufficientDataActions
	return s
}

func (x *executor) topic(ctx context.Context, s *Step) (string, error) {
	client := x.conn.SNS(s.Region)
	if s.Action == Delete {
		_, err := client.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(s.Resource)})
		return "", ignoreNotFound(err)
	}
	t := s.After.(*TopicSpec)
	in := &sns.CreateTopicInput{Name: &t.Name, Attributes: map[string]string{"Policy": t.Policy}}
	for _, k := range sortedKeys(t.Tags) {
		in.Tags = append(in.Tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(t.Tags[k])})
	}
	out, err := client.CreateTopic(ctx, in)
	if err != nil {
		return "", err
	}
	if got := aws.ToString(out.TopicArn); got != t.ARN {
		return got, fmt.Errorf("SNS created topic %s, expected %s", got, t.ARN)
	}
	return t.ARN, nil
}

// topicPolicy re-reads the policy right before writing it: if someone
// changed it since the snapshot, rootwatch's statement is merged into the
// policy as it is now, and that is what the journal records as Before.
func (x *executor) topicPolicy(ctx context.Context, s *Step) error {
	client := x.conn.SNS(s.Region)
	after := s.After.(*TopicPolicySpec)
	if s.Action == Update {
		out, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &after.TopicARN})
		if err != nil {
			return fmt.Errorf("re-read policy: %w", err)
		}
		current := out.Attributes["Policy"]
		if before, ok := s.Before.(*TopicPolicySpec); ok && current != before.Policy {
			merged, err := MergeTopicPolicy(current, after.TopicARN, s.Account)
			if err != nil {
				return err
			}
			s.Before = &TopicPolicySpec{TopicARN: after.TopicARN, Policy: current}
			after = &TopicPolicySpec{TopicARN: after.TopicARN, Policy: merged}
			s.After = after
		}
	}
	_, err := client.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
		TopicArn: &after.TopicARN, AttributeName: aws.String("Policy"), AttributeValue: &after.Policy,
	})
	if s.Action == Restore {
		return ignoreNotFound(err) // the topic is gone: nothing to restore
	}
	return err
}

func (x *executor) subscription(ctx context.Context, s *Step) (string, error) {
	client := x.conn.SNS(s.Region)
	if s.Action == Delete {
		b := s.Before.(*SubscriptionSpec)
		if s.withTopic {
			return "", nil
		}
		if !isARN(b.ARN) {
			// Never confirmed and its ARN unknown: nothing can address it,
			// and SNS drops it after three days (the plan says so).
			return "", nil
		}
		_, err := client.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: &b.ARN})
		if errorCode(err) == "InvalidParameter" && (Endpoint{Protocol: b.Protocol}).needsConfirmation() {
			// SNS may refuse to delete a subscription nobody confirmed; it
			// expires on its own after three days and never delivers.
			return "", nil
		}
		return "", ignoreNotFound(err)
	}
	a := s.After.(*SubscriptionSpec)
	endpoint := s.endpoint
	if endpoint == "" {
		endpoint = a.Endpoint
	}
	// ReturnSubscriptionArn: a pending subscription's real ARN, so backout
	// can remove it before anyone confirms.
	out, err := client.Subscribe(ctx, &sns.SubscribeInput{
		TopicArn: &a.TopicARN, Protocol: &a.Protocol, Endpoint: &endpoint, ReturnSubscriptionArn: true,
	})
	if err != nil {
		return "", err
	}
	a.ARN = aws.ToString(out.SubscriptionArn)
	return a.ARN, nil
}

func (x *executor) logGroup(ctx context.Context, s *Step) error {
	logs := x.conn.Logs(s.Region)
	if s.Action == Delete {
		b := s.Before.(*LogGroupSpec)
		_, err := logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &b.Name})
		return ignoreNotFound(err)
	}
	a := s.After.(*LogGroupSpec)
	_, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &a.Name, Tags: a.Tags})
	return err
}

func (x *executor) role(ctx context.Context, s *Step) error {
	client := x.conn.IAM()
	if s.Action == Delete {
		b := s.Before.(*RoleSpec)
		_, err := client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: &b.Name})
		return ignoreNotFound(err)
	}
	a := s.After.(*RoleSpec)
	desc := a.Description
	if desc == "" {
		desc = "CloudTrail delivery to CloudWatch Logs (managed by rootwatch)"
	}
	in := &iam.CreateRoleInput{RoleName: &a.Name, AssumeRolePolicyDocument: &a.TrustPolicy, Description: &desc}
	for _, k := range sortedKeys(a.Tags) {
		in.Tags = append(in.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(a.Tags[k])})
	}
	_, err := client.CreateRole(ctx, in)
	return err
}

func (x *executor) rolePolicy(ctx context.Context, s *Step) error {
	client := x.conn.IAM()
	if s.Action == Delete {
		b := s.Before.(*RolePolicySpec)
		_, err := client.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &b.Role, PolicyName: &b.Name})
		return ignoreNotFound(err)
	}
	a := s.After.(*RolePolicySpec)
	_, err := client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &a.Role, PolicyName: &a.Name, PolicyDocument: &a.Policy})
	return err
}

func (x *executor) trailDelivery(ctx context.Context, s *Step) error {
	a := s.After.(*TrailDeliverySpec)
	in := &cloudtrail.UpdateTrailInput{Name: &a.TrailARN,
		CloudWatchLogsLogGroupArn: aws.String(a.LogGroupARN), CloudWatchLogsRoleArn: aws.String(a.RoleARN)}
	client := x.conn.CloudTrail(s.Region)
	for attempt := 1; ; attempt++ {
		_, err := client.UpdateTrail(ctx, in)
		if err == nil || attempt == trailRetries || errorCode(err) != "InvalidCloudWatchLogsRoleArnException" {
			return err
		}
		// A role created seconds ago is not yet visible to CloudTrail.
		if err := x.sleep(ctx, trailRetryDelay); err != nil {
			return err
		}
	}
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// ignoreNotFound makes deleting what is already gone a success.
func ignoreNotFound(err error) error {
	switch errorCode(err) {
	case "ResourceNotFoundException", "ResourceNotFound", "NotFound", "NoSuchEntity", "NotFoundException":
		return nil
	}
	return err
}

// Classify names the kind of an AWS failure for per-account messages.
func Classify(err error) string {
	switch c := errorCode(err); {
	case c == "":
		return "error"
	case strings.Contains(c, "Throttl") || c == "RequestLimitExceeded" || c == "TooManyRequestsException":
		return "throttled"
	case strings.Contains(c, "AccessDenied") || c == "AuthorizationError" || c == "UnauthorizedOperation" || c == "AccessDeniedException":
		return "access denied"
	default:
		return c
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
