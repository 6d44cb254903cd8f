package detect

import (
	"fmt"
	"strings"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cis"
)

// Matcher tells whether one raw CloudTrail record matches a filter pattern,
// and whether it could tell (filterpattern.Matcher.Judge: a record that is
// not well-formed JSON cannot be judged). *filterpattern.Matcher satisfies
// it.
type Matcher interface {
	Judge(event []byte) (matched, judged bool)
}

// Rule is one detection: a CloudWatch Logs filter pattern evaluated by the
// engine (so watch, scan and the CIS metric filter agree on what matches),
// a severity, and samples that prove the pattern means what the rule says.
type Rule struct {
	Name    string // alert.RuleRootUsage, alert.RuleTamper
	Title   string
	Pattern string
	// Severity grades a matching event; nil means critical.
	Severity func(Event) alert.Severity
	// Samples: records the rule must match and must not match; a test
	// checks every one through the engine.
	Matches   []string
	NoMatches []string

	matcher Matcher
}

// RootUsage is CIS AWS Foundations 4.3: any use of the root user that is not
// AWS acting on its behalf.
func RootUsage() Rule {
	return Rule{
		Name:    alert.RuleRootUsage,
		Title:   "Root user activity",
		Pattern: cis.RootUsagePattern,
		Matches: []string{
			sampleRootAPICall,
			sampleRootConsoleSignIn,
			sampleRootFailedSignIn,
		},
		NoMatches: []string{
			sampleRootInvokedBy,
			sampleRootServiceEvent,
			sampleRootNoEventType, // "!=" needs the field: AWS skips it too
			sampleIAMUser,
		},
	}
}

// tamperCalls are the API calls that change the monitoring chain itself
// (trail → log group → metric filter → alarm → topic → subscription), keyed
// by the service that records them.
var tamperCalls = [...]struct{ source, names string }{
	{"logs.amazonaws.com", "DeleteMetricFilter PutMetricFilter"},
	{"monitoring.amazonaws.com", "DeleteAlarms DisableAlarmActions PutMetricAlarm"},
	{"sns.amazonaws.com", "DeleteTopic Unsubscribe SetTopicAttributes"},
	{"cloudtrail.amazonaws.com", "StopLogging DeleteTrail UpdateTrail PutEventSelectors"},
}

// TamperPattern is the filter pattern of the tamper rule. It is built from
// tamperCalls so the list lives in one place, and it is an ordinary
// pattern so CloudWatch can evaluate it too (pattern push-down).
func TamperPattern() string {
	var alts []string
	for _, c := range tamperCalls {
		var names []string
		for _, n := range strings.Fields(c.names) {
			names = append(names, fmt.Sprintf("$.eventName = %q", n))
		}
		alts = append(alts, fmt.Sprintf("($.eventSource = %q && (%s))", c.source, strings.Join(names, " || ")))
	}
	return "{ " + strings.Join(alts, " || ") + " }"
}

// Tamper alerts when anyone changes the monitoring chain: deleting a metric
// filter or alarm, disabling alarm actions, deleting the topic or a
// subscription, or stopping, deleting or re-pointing the trail. Successful
// changes are critical; attempts that failed are warnings.
func Tamper() Rule {
	return Rule{
		Name:    alert.RuleTamper,
		Title:   "Change to the root-usage monitoring chain",
		Pattern: TamperPattern(),
		Severity: func(e Event) alert.Severity {
			if e.ErrorCode != "" {
				return alert.SeverityWarning
			}
			return alert.SeverityCritical
		},
		Matches:   []string{sampleStopLogging, sampleDeleteAlarmsByRole, sampleDisableAlarmActionsDenied},
		NoMatches: []string{sampleIAMUser, sampleDescribeAlarms, sampleStopLoggingWrongSource},
	}
}

// DefaultRules are the built-in detections, in evaluation order.
func DefaultRules() []Rule { return []Rule{RootUsage(), Tamper()} }

// PushdownPattern joins the rules' JSON patterns with || so a source that
// can filter at the service (FilterLogEvents) returns every candidate of
// every rule and nothing else. Each rule still matches locally.
func PushdownPattern(rules []Rule) string {
	var parts []string
	for _, r := range rules {
		p := strings.TrimSpace(r.Pattern)
		if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
			return "" // not a JSON pattern: nothing safe to push down
		}
		parts = append(parts, "("+strings.TrimSpace(p[1:len(p)-1])+")")
	}
	if len(parts) == 0 {
		return ""
	}
	return "{ " + strings.Join(parts, " || ") + " }"
}

func (r Rule) severity(e Event) alert.Severity {
	if r.Severity == nil {
		return alert.SeverityCritical
	}
	return r.Severity(e)
}
