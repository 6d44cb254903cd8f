package fix

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// These narrow interfaces are every AWS call fix, backout and verify make
// on top of the audit's reads. docs/iam/fix-policy.json is checked against
// their method names by a test: a method added here without its
// permission fails it.

// LogsAPI writes metric filters and, with --with-trail-delivery, the log
// group a trail delivers to.
type LogsAPI interface {
	PutMetricFilter(ctx context.Context, in *cloudwatchlogs.PutMetricFilterInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error)
	DeleteMetricFilter(ctx context.Context, in *cloudwatchlogs.DeleteMetricFilterInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteMetricFilterOutput, error)
	CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error)
	// backout checks a filter's definition and a group's tags before it
	// deletes or restores them (backout_owner.go).
	DescribeMetricFilters(ctx context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error)
}

// CloudWatchAPI writes the alarm, switches its actions and, for verify,
// forces its state and reads its history.
type CloudWatchAPI interface {
	PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
	DeleteAlarms(ctx context.Context, in *cloudwatch.DeleteAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error)
	DisableAlarmActions(ctx context.Context, in *cloudwatch.DisableAlarmActionsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DisableAlarmActionsOutput, error)
	EnableAlarmActions(ctx context.Context, in *cloudwatch.EnableAlarmActionsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.EnableAlarmActionsOutput, error)
	SetAlarmState(ctx context.Context, in *cloudwatch.SetAlarmStateInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.SetAlarmStateOutput, error)
	DescribeAlarmHistory(ctx context.Context, in *cloudwatch.DescribeAlarmHistoryInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmHistoryOutput, error)
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatch.ListTagsForResourceInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.ListTagsForResourceOutput, error)
}

// SNSAPI creates the topic, its policy and subscriptions. The reads find
// the topics that are the chain's by name when no alarm points at them
// yet (a run that stopped half-way, the seeds' topic), and re-read a
// policy right before merging into it.
type SNSAPI interface {
	CreateTopic(ctx context.Context, in *sns.CreateTopicInput, optFns ...func(*sns.Options)) (*sns.CreateTopicOutput, error)
	SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	Subscribe(ctx context.Context, in *sns.SubscribeInput, optFns ...func(*sns.Options)) (*sns.SubscribeOutput, error)
	Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, optFns ...func(*sns.Options)) (*sns.UnsubscribeOutput, error)
	DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, optFns ...func(*sns.Options)) (*sns.DeleteTopicOutput, error)
	GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
	ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, optFns ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error)
}

// IAMAPI creates (and backout deletes) the role CloudTrail uses to write
// to CloudWatch Logs; only with --with-trail-delivery.
type IAMAPI interface {
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, optFns ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, optFns ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

// CloudTrailAPI points a trail at a log group; only with --with-trail-delivery.
type CloudTrailAPI interface {
	UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error)
}

// SchedulerAPI creates (and backout --enable-actions deletes) the one-time
// schedule that re-enables an alarm's actions after backout
// --disable-actions --for D, and reads it to see it is still rootwatch's.
type SchedulerAPI interface {
	CreateSchedule(ctx context.Context, in *scheduler.CreateScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	DeleteSchedule(ctx context.Context, in *scheduler.DeleteScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
	GetSchedule(ctx context.Context, in *scheduler.GetScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
}

// The SDK clients satisfy the interfaces.
var (
	_ LogsAPI       = (*cloudwatchlogs.Client)(nil)
	_ CloudWatchAPI = (*cloudwatch.Client)(nil)
	_ SNSAPI        = (*sns.Client)(nil)
	_ IAMAPI        = (*iam.Client)(nil)
	_ CloudTrailAPI = (*cloudtrail.Client)(nil)
	_ SchedulerAPI  = (*scheduler.Client)(nil)
)

// Conn gives the write clients for one account.
type Conn interface {
	Logs(region string) LogsAPI
	CloudWatch(region string) CloudWatchAPI
	SNS(region string) SNSAPI
	CloudTrail(region string) CloudTrailAPI
	IAM() IAMAPI
	Scheduler(region string) SchedulerAPI
}

// Dialer opens a Conn for an account: the caller's own credentials for
// its own account, an assumed role for the others.
type Dialer interface {
	Conn(ctx context.Context, account string) (Conn, error)
}
