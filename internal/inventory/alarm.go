package inventory

import "time"

// Alarm is a CloudWatch metric alarm.
type Alarm struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`

	// MetricName and Namespace are empty for metric-math alarms.
	MetricName string      `json:"metric_name,omitempty"`
	Namespace  string      `json:"namespace,omitempty"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	// MetricMath is true when the alarm uses Metrics (math or multiple
	// queries) instead of a single metric.
	MetricMath bool `json:"metric_math,omitempty"`

	Statistic          string  `json:"statistic,omitempty"`
	ExtendedStatistic  string  `json:"extended_statistic,omitempty"`
	Period             int32   `json:"period"`
	Unit               string  `json:"unit,omitempty"`
	Threshold          float64 `json:"threshold"`
	ComparisonOperator string  `json:"comparison_operator"`
	EvaluationPeriods  int32   `json:"evaluation_periods"`
	// DatapointsToAlarm is 0 when unset (AWS then uses EvaluationPeriods).
	DatapointsToAlarm int32  `json:"datapoints_to_alarm,omitempty"`
	TreatMissingData  string `json:"treat_missing_data,omitempty"`

	ActionsEnabled bool     `json:"actions_enabled"`
	AlarmActions   []string `json:"alarm_actions,omitempty"`
	OKActions      []string `json:"ok_actions,omitempty"`
	StateValue     string   `json:"state_value,omitempty"`
	// StateUpdated is when the alarm last changed state (zero if unknown):
	// an alarm in ALARM for days will not notify on a new root use.
	StateUpdated time.Time `json:"state_updated,omitzero"`
	// Reenable is rootwatch's schedule that re-enables the actions, read
	// only when they are disabled; nil when there is none.
	Reenable *Reenable `json:"reenable,omitempty"`
}

// Dimension is a metric dimension.
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ComparisonSymbol writes a CloudWatch comparison operator as reports show
// it (GreaterThanOrEqualToThreshold is ">="); other operators (the
// anomaly-band ones) are returned as they are.
func ComparisonSymbol(op string) string {
	switch op {
	case "GreaterThanOrEqualToThreshold":
		return ">="
	case "GreaterThanThreshold":
		return ">"
	case "LessThanThreshold":
		return "<"
	case "LessThanOrEqualToThreshold":
		return "<="
	}
	return op
}
