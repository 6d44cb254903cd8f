package audit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

type filterOption struct {
	link    Link
	filter  string
	metric  *inventory.MetricTransformation
	literal *bool
	// countsRoot: the filter's pattern counts root use (see
	// patternVerdict.countsRoot), so its alarm implements the control,
	// however well.
	countsRoot bool
}

// patternVerdict is the judgement of one pattern against the rule
// CIS ⊆ P ⊆ RootIdentity: status, why (for FAIL and UNKNOWN) and the
// warnings of a passing pattern.
type patternVerdict struct {
	status   Status
	problem  string
	note     string // what a passing pattern is, for the link's detail
	warnings []Warning
	// countsRoot is true when the pattern provably counts every CIS event
	// (CIS ⊆ P) or provably counts only root's events (P ⊆ RootIdentity):
	// a filter meant to watch the root user, even a too broad or too
	// narrow one, as opposed to another control's filter (CIS 4.1's
	// unauthorized calls on the same log group).
	countsRoot bool
}

func (ev *evaluation) comparePattern(p string) patternVerdict {
	if v, ok := ev.cache[p]; ok {
		return v
	}
	v := judgePattern(ev.compare, p)
	ev.cache[p] = v
	return v
}

// judgePattern applies the rule a root-usage filter must meet: it counts
// every event the CIS pattern counts (CIS ⊆ P), and only root's events
// (P ⊆ RootIdentityPattern), both decided by meaning. A filter that also
// counts one non-root event puts the alarm in ALARM on ordinary activity,
// after which a root sign-in causes no new notification: that is a FAIL,
// shown with such an event. Compare's examples are real events (replayed
// through the matcher) even when a relation is not proven, so an example
// decides FAIL; a containment that is neither shown false nor proven is
// UNKNOWN, never PASS.
func judgePattern(compare Comparer, p string) patternVerdict {
	lower, err := compare(p, cis.RootUsagePattern)
	if err != nil {
		return patternVerdict{status: Unknown, problem: "its pattern cannot be judged: " + err.Error()}
	}
	upper, err := compare(p, cis.RootIdentityPattern)
	if err != nil {
		return patternVerdict{status: Unknown, problem: "its pattern cannot be judged: " + err.Error()}
	}
	countsRoot := (lower.OnlyB == nil && lower.Proven) || (upper.OnlyA == nil && upper.Proven)
	var fails, unknowns []string
	switch {
	case lower.OnlyB != nil:
		fails = append(fails, fmt.Sprintf("pattern is %s than the CIS pattern; it misses e.g. %s", relationWord(lower.Relation), compact(lower.OnlyB)))
	case !lower.Proven:
		unknowns = append(unknowns, "rootwatch cannot prove it catches every event the CIS pattern catches ("+lower.Note+")")
	}
	switch {
	case upper.OnlyA != nil:
		fails = append(fails, "pattern counts events that are not root's, so ordinary activity raises the alarm and a root use then causes no new notification; it counts e.g. "+compact(upper.OnlyA))
	case !upper.Proven:
		unknowns = append(unknowns, `rootwatch cannot prove it counts only events with userIdentity.type "Root" (`+upper.Note+")")
	}
	switch {
	case len(fails) > 0:
		return patternVerdict{status: Fail, problem: strings.Join(fails, "; "), countsRoot: countsRoot}
	case len(unknowns) > 0:
		return patternVerdict{status: Unknown, problem: strings.Join(unknowns, "; "), countsRoot: countsRoot}
	}
	v := patternVerdict{status: Pass, note: "pattern is equivalent to the CIS pattern", countsRoot: true}
	if lower.Relation == filterpattern.Broader {
		v.note = "pattern catches every CIS event and more root events, and only root's"
		v.warnings = append(v.warnings, Warning{Code: WarnFilterBroader,
			Message: "pattern counts every CIS event and also root events CIS leaves out (made on root's behalf by an AWS service: invokedBy set, or AwsServiceEvent), e.g. " + compact(lower.OnlyA) + "; each raises the alarm, and while it is in ALARM a new root use does not notify",
			Fix:     "use the CIS pattern: " + cis.RootUsagePattern})
	}
	if !CISLiteral(p) {
		v.warnings = append(v.warnings, Warning{Code: WarnFilterNotLiteral,
			Message: "pattern text is not the CIS text; it catches the same root use, but AWS Security Hub " + cis.SecurityHubControl + " compares the text and will flag it",
			Fix:     "use the CIS text: " + cis.RootUsagePattern})
	}
	return v
}

// CISLiteral reports whether pattern is the CIS text, ignoring only
// whitespace between tokens (Security Hub CloudWatch.1 compares text).
func CISLiteral(pattern string) bool {
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	return squeeze(pattern) == squeeze(cis.RootUsagePattern)
}

// filterOptions evaluates every metric filter on lg; each transformation
// of each filter is an option for the rest of the chain.
func (ev *evaluation) filterOptions(lg *inventory.LogGroup) []filterOption {
	fix := fmt.Sprintf("rootwatch fix (or: aws logs put-metric-filter --log-group-name %s --filter-name %s --filter-pattern '%s' --metric-transformations metricName=%s,metricNamespace=%s,metricValue=1 --region %s)",
		lg.Name, cis.FilterName, cis.RootUsagePattern, cis.MetricName, cis.MetricNamespace, lg.Region)
	if lg.FiltersError != nil {
		return []filterOption{{link: Link{Name: LinkMetricFilter, Resource: lg.Name, Status: Unknown, Detail: lg.FiltersError.Verdict()}}}
	}
	if len(lg.MetricFilters) == 0 {
		return []filterOption{{link: Link{Name: LinkMetricFilter, Resource: lg.Name, Status: Fail, Detail: "log group " + lg.Name + " has no metric filter", Fix: fix}}}
	}
	var out []filterOption
	for _, f := range lg.MetricFilters {
		lit := CISLiteral(f.Pattern)
		l := Link{Name: LinkMetricFilter, Resource: lg.Name + " / " + f.Name}
		v := ev.comparePattern(f.Pattern)
		problem := v.problem
		status := v.status
		if len(f.Transformations) == 0 {
			problem = strings.TrimPrefix(problem+"; ", "; ") + "it publishes no metric"
			status = Fail
		}
		if status != Pass {
			l.Status = status
			if status == Fail {
				l.Fix = fix
			}
			l.Detail = fmt.Sprintf("filter %s: %s", f.Name, problem)
			opt := filterOption{link: l, filter: f.Name, literal: &lit, countsRoot: v.countsRoot}
			if len(f.Transformations) > 0 {
				m := f.Transformations[0]
				opt.metric = &m
			}
			out = append(out, opt)
			continue
		}
		note := v.note
		if lit {
			note += "; text is CIS-literal (Security Hub " + cis.SecurityHubControl + " accepts it)"
		} else {
			note += "; text is not CIS-literal, so Security Hub " + cis.SecurityHubControl + " will still flag it"
		}
		for _, m := range f.Transformations {
			ml := l
			if bad := metricProblem(m); bad != "" {
				ml.Status, ml.Fix = Fail, fix
				ml.Detail = fmt.Sprintf("filter %s: %s", f.Name, bad)
			} else {
				ml.Status = Pass
				ml.Detail = fmt.Sprintf("filter %s publishes %s/%s = %s: %s", f.Name, m.MetricNamespace, m.MetricName, m.MetricValue, note)
				ml.Warnings = append([]Warning(nil), v.warnings...)
			}
			mm := m
			out = append(out, filterOption{link: ml, filter: f.Name, metric: &mm, literal: &lit, countsRoot: true})
		}
	}
	return out
}

// metricProblem checks what the filter publishes: a positive constant, on
// a metric without dimensions (an alarm on the bare metric sees nothing
// of a metric published with dimensions).
func metricProblem(m inventory.MetricTransformation) string {
	v, err := strconv.ParseFloat(m.MetricValue, 64)
	switch {
	case strings.HasPrefix(m.MetricValue, "$"):
		return "metric value " + m.MetricValue + " is taken from the event, so a root event may publish nothing useful; publish 1"
	case err != nil || v <= 0:
		return "metric value " + strconv.Quote(m.MetricValue) + " is not a positive number, so a root event does not raise the metric; publish 1"
	case m.DefaultValue != nil && *m.DefaultValue != 0:
		return fmt.Sprintf("default value %g is published for every log event the pattern does not match, so the metric counts events that are not root's; remove the default value or set it to 0", *m.DefaultValue)
	case len(m.Dimensions) > 0:
		return fmt.Sprintf("metric %s/%s is published with dimensions %v, so an alarm on the metric without dimensions never receives data", m.MetricNamespace, m.MetricName, m.Dimensions)
	}
	return ""
}

func relationWord(r filterpattern.Relation) string {
	switch r {
	case filterpattern.Narrower:
		return "narrower"
	default:
		return "different"
	}
}

// compact keeps example events short in reports.
func compact(ev []byte) string {
	s := strings.Join(strings.Fields(string(ev)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
