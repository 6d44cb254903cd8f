package audit

import (
	"time"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// Status is a verdict.
type Status string

// Verdicts. Skipped is for accounts that were not audited (suspended).
const (
	Pass    Status = "PASS"
	Fail    Status = "FAIL"
	Unknown Status = "UNKNOWN"
	Skipped Status = "SKIPPED"
)

// Link names, in chain order.
const (
	LinkTrail        = "trail"
	LinkLogGroup     = "log-group"
	LinkMetricFilter = "metric-filter"
	LinkAlarm        = "alarm"
	LinkTopic        = "topic"
	LinkSubscription = "subscription"
)

// LinkNames lists the links in chain order.
var LinkNames = []string{LinkTrail, LinkLogGroup, LinkMetricFilter, LinkAlarm, LinkTopic, LinkSubscription}

// Link is one link's verdict.
type Link struct {
	Name     string `json:"name"`
	Status   Status `json:"status"`
	Resource string `json:"resource,omitempty"`
	Detail   string `json:"detail"`
	// Fix is the command that repairs a FAILed link.
	Fix string `json:"fix,omitempty"`
}

// Chain names the resources of the evaluated chain, for fix and backout.
// A field is empty when the chain stops before it.
type Chain struct {
	TrailARN        string `json:"trail_arn,omitempty"`
	TrailAccount    string `json:"trail_account,omitempty"`
	HomeRegion      string `json:"home_region,omitempty"`
	LogGroupName    string `json:"log_group_name,omitempty"`
	LogGroupAccount string `json:"log_group_account,omitempty"`
	LogGroupRegion  string `json:"log_group_region,omitempty"`
	FilterName      string `json:"filter_name,omitempty"`
	MetricName      string `json:"metric_name,omitempty"`
	MetricNamespace string `json:"metric_namespace,omitempty"`
	AlarmName       string `json:"alarm_name,omitempty"`
	AlarmARN        string `json:"alarm_arn,omitempty"`
	TopicARN        string `json:"topic_arn,omitempty"`
}

// AccountResult is the verdict for one account.
type AccountResult struct {
	Account string `json:"account"`
	Name    string `json:"name,omitempty"`
	Status  Status `json:"status"`
	// CoveredBy is set when another account's organization trail covers
	// this account: "trail X in account Y".
	CoveredBy string `json:"covered_by,omitempty"`
	// BrokenLink is the first link that FAILed (else the first UNKNOWN).
	BrokenLink string `json:"broken_link,omitempty"`
	// CISLiteral reports whether the metric filter's text is the CIS
	// pattern literally, which Security Hub's CloudWatch.1 demands; nil
	// when there is no filter.
	CISLiteral *bool `json:"cis_literal,omitempty"`
	// Alternative describes an EventBridge rule that watches root
	// activity: monitored, but not the CIS chain an auditor checks.
	Alternative string `json:"alternative,omitempty"`
	// Detail explains a skipped or unreadable account.
	Detail string `json:"detail,omitempty"`
	Links  []Link `json:"links"`
	Chain  Chain  `json:"chain"`
}

// Summary counts accounts per verdict.
type Summary struct {
	Accounts int `json:"accounts"`
	Pass     int `json:"pass"`
	Fail     int `json:"fail"`
	Unknown  int `json:"unknown"`
	Skipped  int `json:"skipped"`
}

// Report is the audit of a snapshot.
type Report struct {
	GeneratedAt  time.Time       `json:"generated_at"`
	Benchmark    string          `json:"benchmark"`
	Control      string          `json:"control"`
	ControlTitle string          `json:"control_title"`
	Caller       string          `json:"caller"`
	Organization bool            `json:"organization,omitempty"`
	Summary      Summary         `json:"summary"`
	Accounts     []AccountResult `json:"accounts"`
}

// ExitCode is 0 when every audited account passes, 3 when any fails, 4
// when none fails but some are UNKNOWN.
func (r *Report) ExitCode() int {
	switch {
	case r.Summary.Fail > 0:
		return exitcode.Findings
	case r.Summary.Unknown > 0:
		return exitcode.Partial
	}
	return exitcode.OK
}
