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
	// Warnings are rootwatch's stricter advice about this link: things the
	// control (CIS 4.3's audit procedure, Security Hub CloudWatch.1) does
	// not demand and that do not stop a root use from being notified. They
	// never change Status unless the evaluation is strict, where a link
	// with warnings FAILs. See docs/audit.md, "Verdicts and warnings".
	Warnings []Warning `json:"warnings,omitempty"`
}

// Warning is one piece of advice on a link. Code is stable (tools key on
// it; the Warn* constants list every code); Message is for people and may
// change; Fix, when set, is what would clear the warning.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// Warning codes. They are part of the report format: add, never rename.
const (
	// WarnFilterNotLiteral: the metric filter catches the CIS events but its
	// text is not the CIS text, which Security Hub CloudWatch.1 compares.
	WarnFilterNotLiteral = "filter-not-cis-literal"
	// WarnFilterBroader: the filter also counts root events CIS leaves out
	// (invokedBy set, AwsServiceEvent); still root and only root.
	WarnFilterBroader = "filter-broader-root-only"
	// WarnAlarmPeriod: the alarm period is over 300 s, so a notification
	// can come up to a period late.
	WarnAlarmPeriod = "alarm-period-over-300s"
	// WarnAlarmInAlarm: the alarm is already in ALARM, so a new root use
	// causes no new notification until it returns to OK.
	WarnAlarmInAlarm = "alarm-in-alarm-state"
	// WarnAlarmMissingData: treatMissingData keeps the alarm in ALARM after
	// the first root use (ignore, breaching), so the next one does not
	// notify.
	WarnAlarmMissingData = "alarm-treat-missing-data"
	// WarnTopicUnencrypted: the topic has no server-side encryption.
	WarnTopicUnencrypted = "topic-not-encrypted"
	// WarnEmailOnly: every confirmed subscription is email.
	WarnEmailOnly = "subscriptions-email-only"
)

// WarningCodes lists every warning code, for documentation and tests.
var WarningCodes = []string{WarnFilterNotLiteral, WarnFilterBroader, WarnAlarmPeriod, WarnAlarmInAlarm, WarnAlarmMissingData, WarnTopicUnencrypted, WarnEmailOnly}

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

// Warnings returns every warning on the account's links, in chain order.
func (a AccountResult) Warnings() []Warning {
	var out []Warning
	for _, l := range a.Links {
		out = append(out, l.Warnings...)
	}
	return out
}

// Summary counts accounts per verdict, and the warnings on their chains.
type Summary struct {
	Accounts int `json:"accounts"`
	Pass     int `json:"pass"`
	Fail     int `json:"fail"`
	Unknown  int `json:"unknown"`
	Skipped  int `json:"skipped"`
	// Warnings counts every warning on the reported chains; Warned counts
	// the accounts with at least one.
	Warnings int `json:"warnings"`
	Warned   int `json:"warned"`
}

// Report is the audit of a snapshot.
type Report struct {
	GeneratedAt  time.Time `json:"generated_at"`
	Benchmark    string    `json:"benchmark"`
	Control      string    `json:"control"`
	ControlTitle string    `json:"control_title"`
	Caller       string    `json:"caller"`
	Organization bool      `json:"organization,omitempty"`
	// Strict is set when warnings FAIL the links they are on (--strict).
	Strict   bool            `json:"strict,omitempty"`
	Summary  Summary         `json:"summary"`
	Accounts []AccountResult `json:"accounts"`
}

// ExitCode is 0 when every audited account passes, 3 when any fails, 4
// when none fails but some are UNKNOWN. Warnings alone never change it;
// in a strict report they have already turned their links into FAILs.
func (r *Report) ExitCode() int {
	switch {
	case r.Summary.Fail > 0:
		return exitcode.Findings
	case r.Summary.Unknown > 0:
		return exitcode.Partial
	}
	return exitcode.OK
}
