package fix

import (
	"encoding/json"
	"fmt"
)

// Kind is a type of resource fix manages.
type Kind string

// Resource kinds, as journaled.
const (
	KindMetricFilter  Kind = "metric-filter"
	KindAlarm         Kind = "alarm"
	KindTopic         Kind = "topic"
	KindTopicPolicy   Kind = "topic-policy"
	KindSubscription  Kind = "subscription"
	KindLogGroup      Kind = "log-group"
	KindRole          Kind = "iam-role"
	KindRolePolicy    Kind = "iam-role-policy"
	KindTrailDelivery Kind = "trail-delivery"
	// KindSchedule is the one-time EventBridge Scheduler schedule backout
	// --disable-actions --for D leaves to re-enable the actions.
	KindSchedule Kind = "schedule"
	// KindAlarmState is verify's forced alarm state: journaled so a crash
	// mid-test shows, never undone by backout (verify restores it).
	KindAlarmState Kind = "alarm-state"
)

// Action is what a step does.
type Action string

// Actions. Create and Update are fix's; the rest are backout's.
const (
	Create         Action = "create"
	Update         Action = "update"
	Delete         Action = "delete"
	Restore        Action = "restore"
	DisableActions Action = "disable-actions"
	EnableActions  Action = "enable-actions"
	SetState       Action = "set-state"
)

// Symbol is the plan's one-character marker for the action.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Delete:
		return "-"
	default:
		return "~"
	}
}

// Step is one change to one resource. Before is nil when the resource does
// not exist yet; After is nil when the step deletes it. Both are one of the
// spec types below, matching Kind.
type Step struct {
	Kind     Kind
	Action   Action
	Account  string
	Region   string
	Resource string // identity: an ARN, or "LOG_GROUP/FILTER" for a metric filter
	Before   any
	After    any
	// Reason says why the step is needed, in the plan.
	Reason string
	// Note is extra information for the reader (confirmation needed, data
	// that will be deleted).
	Note string
	// Undoes is the journal reference of the change a backout step reverses.
	Undoes string

	// endpoint is a subscription's real endpoint, which After shows
	// redacted (http(s) URLs carry tokens) and the journal never stores.
	endpoint string
	// withTopic marks a subscription delete that the deletion of its
	// topic, later in the same plan, performs: no call is needed.
	withTopic bool
	// forAlarm marks, in a --remove plan, the cleanup of the re-enable
	// schedule of the alarm the plan deletes: dropped if that deletion is
	// refused.
	forAlarm string
}

// MetricFilterSpec is a metric filter with a single transformation.
type MetricFilterSpec struct {
	LogGroup   string   `json:"log_group"`
	Name       string   `json:"name"`
	Pattern    string   `json:"pattern"`
	MetricName string   `json:"metric_name"`
	Namespace  string   `json:"namespace"`
	Value      string   `json:"value"`
	Default    *float64 `json:"default_value,omitempty"`
	Unit       string   `json:"unit,omitempty"`
}

// AlarmSpec is a single-metric alarm, with every field PutMetricAlarm needs
// to recreate it as it was.
type AlarmSpec struct {
	Name                    string            `json:"name"`
	Description             string            `json:"description,omitempty"`
	Namespace               string            `json:"namespace"`
	MetricName              string            `json:"metric_name"`
	Dimensions              map[string]string `json:"dimensions,omitempty"`
	Statistic               string            `json:"statistic,omitempty"`
	ExtendedStatistic       string            `json:"extended_statistic,omitempty"`
	Period                  int32             `json:"period"`
	Unit                    string            `json:"unit,omitempty"`
	Threshold               float64           `json:"threshold"`
	Comparison              string            `json:"comparison"`
	EvaluationPeriods       int32             `json:"evaluation_periods"`
	DatapointsToAlarm       int32             `json:"datapoints_to_alarm,omitempty"`
	TreatMissingData        string            `json:"treat_missing_data,omitempty"`
	ActionsEnabled          bool              `json:"actions_enabled"`
	AlarmActions            []string          `json:"alarm_actions,omitempty"`
	OKActions               []string          `json:"ok_actions,omitempty"`
	InsufficientDataActions []string          `json:"insufficient_data_actions,omitempty"`
	Tags                    map[string]string `json:"tags,omitempty"`
}

// TopicSpec is an SNS topic.
type TopicSpec struct {
	ARN    string            `json:"arn"`
	Name   string            `json:"name"`
	Policy string            `json:"policy,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// TopicPolicySpec is a topic's access policy.
type TopicPolicySpec struct {
	TopicARN string `json:"topic_arn"`
	Policy   string `json:"policy"`
}

// SubscriptionSpec is a subscription. Endpoint is shown redacted for
// http(s) (webhook URLs carry tokens) and is never needed to undo: the
// subscription ARN is.
type SubscriptionSpec struct {
	TopicARN string `json:"topic_arn"`
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
	ARN      string `json:"arn,omitempty"`
}

// LogGroupSpec is a CloudWatch Logs group.
type LogGroupSpec struct {
	Name string            `json:"name"`
	ARN  string            `json:"arn"`
	Tags map[string]string `json:"tags,omitempty"`
}

// RoleSpec is an IAM role rootwatch creates: the one CloudTrail assumes
// to deliver to CloudWatch Logs, or the one a re-enable schedule runs as.
type RoleSpec struct {
	Name        string            `json:"name"`
	ARN         string            `json:"arn"`
	TrustPolicy string            `json:"trust_policy"`
	Description string            `json:"description,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// ScheduleSpec is a one-time EventBridge Scheduler schedule with a
// universal target.
type ScheduleSpec struct {
	Name       string `json:"name"`
	Expression string `json:"expression"`
	TargetARN  string `json:"target_arn"`
	RoleARN    string `json:"role_arn"`
	Input      string `json:"input"`
}

// RolePolicySpec is an inline policy of a role.
type RolePolicySpec struct {
	Role   string `json:"role"`
	Name   string `json:"name"`
	Policy string `json:"policy"`
}

// AlarmStateSpec is an alarm's state value.
type AlarmStateSpec struct {
	State string `json:"state"`
}

// TrailDeliverySpec is a trail's CloudWatch Logs settings.
type TrailDeliverySpec struct {
	TrailARN    string `json:"trail_arn"`
	LogGroupARN string `json:"log_group_arn,omitempty"`
	RoleARN     string `json:"role_arn,omitempty"`
}

// encodeSpec is how specs are journaled.
func encodeSpec(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("journal %T: %w", v, err)
	}
	return string(b), nil
}

// decodeSpec reads a journaled spec back as the type its kind uses.
func decodeSpec(k Kind, s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	var v any
	switch k {
	case KindMetricFilter:
		v = &MetricFilterSpec{}
	case KindAlarm:
		v = &AlarmSpec{}
	case KindTopic:
		v = &TopicSpec{}
	case KindTopicPolicy:
		v = &TopicPolicySpec{}
	case KindSubscription:
		v = &SubscriptionSpec{}
	case KindLogGroup:
		v = &LogGroupSpec{}
	case KindRole:
		v = &RoleSpec{}
	case KindRolePolicy:
		v = &RolePolicySpec{}
	case KindTrailDelivery:
		v = &TrailDeliverySpec{}
	case KindSchedule:
		v = &ScheduleSpec{}
	case KindAlarmState:
		v = &AlarmStateSpec{}
	default:
		return nil, fmt.Errorf("journal holds an unknown resource kind %q", k)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return nil, fmt.Errorf("journal entry for %s is not valid: %w", k, err)
	}
	return v, nil
}
