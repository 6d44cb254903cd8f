// Package cis holds the definition of CIS AWS Foundations Benchmark v3.0.0
// control 4.3 ("Ensure usage of the 'root' account is monitored"): the
// filter pattern, the metric and the alarm it prescribes. Every command
// takes these values from here so that scan, audit, fix, watch and the
// templates can never disagree.
package cis

// Control identifies the control in reports.
const (
	ControlID    = "4.3"
	ControlTitle = "Ensure usage of the 'root' account is monitored"
	Benchmark    = "CIS AWS Foundations Benchmark v3.0.0"
	// SecurityHubControl is the AWS Security Hub control that checks the same
	// thing; it demands the pattern text literally.
	SecurityHubControl = "CloudWatch.1"
)

// RootUsagePattern is the CIS 4.3 metric filter pattern, exactly as the
// benchmark prints it.
const RootUsagePattern = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`

// The metric and alarm the remediation creates unless told otherwise.
const (
	MetricNamespace   = "CISBenchmark"
	MetricName        = "RootAccountUsage"
	MetricValue       = "1"
	FilterName        = "RootAccountUsage"
	AlarmName         = "RootAccountUsage"
	AlarmStatistic    = "Sum"
	AlarmPeriod       = 300 // seconds
	AlarmThreshold    = 1.0
	AlarmComparison   = "GreaterThanOrEqualToThreshold"
	EvaluationPeriods = 1
	TopicName         = "rootwatch-root-usage"
)

// The names the CIS setup guides (the seeds rootwatch's users start from)
// give the alarm and the topic. Wherever rootwatch looks a chain's
// resource up by name, these are the chain's too.
const (
	SeedAlarmName = "RootAccountUsageAlarm"
	SeedTopicName = "CIS-Alarms-Topic"
)

// AlarmNameAlias is the chain alarm's other well-known name: the seeds'
// for rootwatch's default and back, "" for any other name. A lookup by
// one name that finds nothing tries the other.
func AlarmNameAlias(name string) string {
	switch name {
	case AlarmName:
		return SeedAlarmName
	case SeedAlarmName:
		return AlarmName
	}
	return ""
}

// RootIdentityPattern is the widest pattern a root-usage metric filter may
// have: every event it counts must be the root user's. A filter passes
// 4.3 when it catches every event RootUsagePattern catches and nothing
// outside this one (docs/audit.md).
const RootIdentityPattern = `{ $.userIdentity.type = "Root" }`
