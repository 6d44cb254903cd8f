package audit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/filterpattern"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

type filterOption struct {
	link    Link
	filter  string
	metric  *inventory.MetricTransformation
	literal *bool
}

// patternVerdict is the semantic comparison of one pattern with CIS.
type patternVerdict struct {
	cmp filterpattern.Comparison
	err error
}

func (ev *evaluation) comparePattern(p string) patternVerdict {
	if v, ok := ev.cache[p]; ok {
		return v
	}
	cmp, err := ev.compare(p, cis.RootUsagePattern)
	v := patternVerdict{cmp: cmp, err: err}
	ev.cache[p] = v
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
		var problem, note string
		switch {
		case v.err != nil:
			problem = "its pattern cannot be evaluated: " + v.err.Error()
		case v.cmp.Relation == filterpattern.Equivalent:
			note = "pattern is equivalent to the CIS pattern"
		case v.cmp.Relation == filterpattern.Broader:
			note = "pattern catches every CIS event and more (noisier)"
			if v.cmp.OnlyA != nil {
				note += ", e.g. also " + compact(v.cmp.OnlyA)
			}
		default:
			problem = fmt.Sprintf("pattern is %s than the CIS pattern", relationWord(v.cmp.Relation))
			if v.cmp.OnlyB != nil {
				problem += "; it misses e.g. " + compact(v.cmp.OnlyB)
			}
			if !v.cmp.Proven && v.cmp.Note != "" {
				problem += " (" + v.cmp.Note + ")"
			}
		}
		if lit {
			note = strings.TrimPrefix(note+"; ", "; ") + "text is CIS-literal (Security Hub " + cis.SecurityHubControl + " accepts it)"
		} else if problem == "" {
			note += "; text is not CIS-literal, so Security Hub " + cis.SecurityHubControl + " will still flag it"
		}
		if len(f.Transformations) == 0 {
			problem = strings.TrimPrefix(problem+"; ", "; ") + "it publishes no metric"
		}
		if problem != "" {
			l.Status, l.Fix = Fail, fix
			l.Detail = fmt.Sprintf("filter %s: %s", f.Name, problem)
			opt := filterOption{link: l, filter: f.Name, literal: &lit}
			if len(f.Transformations) > 0 {
				m := f.Transformations[0]
				opt.metric = &m
			}
			out = append(out, opt)
			continue
		}
		for _, m := range f.Transformations {
			ml := l
			if bad := metricProblem(m); bad != "" {
				ml.Status, ml.Fix = Fail, fix
				ml.Detail = fmt.Sprintf("filter %s: %s", f.Name, bad)
			} else {
				ml.Status = Pass
				ml.Detail = fmt.Sprintf("filter %s publishes %s/%s = %s: %s", f.Name, m.MetricNamespace, m.MetricName, m.MetricValue, note)
			}
			mm := m
			out = append(out, filterOption{link: ml, filter: f.Name, metric: &mm, literal: &lit})
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
