package fix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// chainPlanner plans the links after the log group: metric filter, alarm,
// topic, topic policy and subscriptions, in one account and region.
type chainPlanner struct {
	ap      *AccountPlan
	acct    *inventory.Account
	facts   *Facts
	o       Options
	verdict Verdict
}

func (c *chainPlanner) add(s Step) {
	s.Account, s.Region = c.ap.Account, c.ap.Region
	c.ap.Steps = append(c.ap.Steps, s)
}

func (c *chainPlanner) note(format string, args ...any) {
	c.ap.Notes = append(c.ap.Notes, fmt.Sprintf(format, args...))
}

// metric names a CloudWatch metric.
type metric struct{ namespace, name string }

func (c *chainPlanner) planFromFilter(group *inventory.LogGroup, groupIsNew bool) {
	m, ok := c.planFilter(group, groupIsNew)
	if !ok {
		return
	}
	c.planAlarm(m, groupIsNew)
}

// planFilter finds the metric filter the audit accepted on the group or
// plans rootwatch's own, and returns the metric it feeds.
func (c *chainPlanner) planFilter(group *inventory.LogGroup, groupIsNew bool) (metric, bool) {
	if l := c.verdict.link("metric-filter"); !groupIsNew && l.Status == Pass && c.verdict.Chain.MetricName != "" {
		return metric{c.verdict.Chain.MetricNamespace, c.verdict.Chain.MetricName}, true
	}
	want := &MetricFilterSpec{
		LogGroup: group.Name, Name: c.o.FilterName, Pattern: cis.RootUsagePattern,
		MetricName: c.o.MetricName, Namespace: c.o.MetricNamespace, Value: cis.MetricValue,
	}
	m := metric{want.Namespace, want.MetricName}
	for _, f := range group.MetricFilters {
		if isOurFilter(f, want) {
			return m, true // already in place, whatever the audit said
		}
	}
	if l := c.verdict.link("metric-filter"); !groupIsNew && l.Status == Unknown {
		c.ap.Err = fmt.Errorf("metric filters of %s: %s", group.Name, l.Detail)
		return metric{}, false
	}
	step := Step{Kind: KindMetricFilter, Action: Create, Resource: group.Name + "/" + want.Name, After: want,
		Reason: fmt.Sprintf("no metric filter on %s catches every event the CIS 4.3 pattern catches", group.Name)}
	for _, f := range group.MetricFilters {
		if f.Name == want.Name {
			step.Action, step.Before = Update, filterSpec(group.Name, f)
			step.Reason = fmt.Sprintf("metric filter %s on %s does not catch every CIS 4.3 event", f.Name, group.Name)
		}
	}
	c.add(step)
	return m, true
}

func isOurFilter(f inventory.MetricFilter, want *MetricFilterSpec) bool {
	if f.Pattern != want.Pattern || len(f.Transformations) != 1 {
		return false
	}
	t := f.Transformations[0]
	return t.MetricName == want.MetricName && t.MetricNamespace == want.Namespace && t.MetricValue == want.Value && len(t.Dimensions) == 0
}

func filterSpec(group string, f inventory.MetricFilter) *MetricFilterSpec {
	s := &MetricFilterSpec{LogGroup: group, Name: f.Name, Pattern: f.Pattern}
	if len(f.Transformations) > 0 {
		t := f.Transformations[0]
		s.MetricName, s.Namespace, s.Value, s.Default, s.Unit = t.MetricName, t.MetricNamespace, t.MetricValue, t.DefaultValue, t.Unit
	}
	return s
}

func (c *chainPlanner) planAlarm(m metric, chainIsNew bool) {
	alarms, read := c.acct.AlarmsIn(c.ap.Region)
	home := Home{c.ap.Account, c.ap.Region}
	if c.facts != nil {
		if e := c.facts.AlarmErrors[home]; e != nil {
			c.ap.Err = fmt.Errorf("alarms in %s: %s", c.ap.Region, e.Verdict())
			return
		}
		if all, ok := c.facts.Alarms[home]; ok {
			alarms, read = all, true
		}
	}
	if !read {
		if e := c.acct.RegionError(c.ap.Region, inventory.ListAlarms); e != nil {
			c.ap.Err = fmt.Errorf("alarms in %s: %s", c.ap.Region, e.Verdict())
		} else {
			c.ap.Err = fmt.Errorf("alarms in %s were not read", c.ap.Region)
		}
		return
	}
	// The audit accepted an alarm: keep it and look after its topic.
	if l := c.verdict.link("alarm"); l.Status == Pass && !chainIsNew && c.verdict.Chain.AlarmName != "" {
		topic := c.verdict.Chain.TopicARN
		for _, a := range alarms {
			if a.Name == c.verdict.Chain.AlarmName && topic == "" {
				if t := snsActions(a.AlarmActions); len(t) > 0 {
					topic = t[0]
				}
			}
		}
		if topic != "" {
			c.planTopic(topic, false)
			return
		}
	}
	// The audit's own test of "one event raises it", so fix never replaces
	// an alarm the audit would accept once its actions are on. The value 1
	// is the least a counting filter publishes: an alarm that fires on it
	// fires on any larger value.
	published := &inventory.MetricTransformation{MetricNamespace: m.namespace, MetricName: m.name, MetricValue: cis.MetricValue}
	var onMetric []inventory.Alarm
	for _, a := range alarms {
		if audit.FiresOnOneEvent(&a, published) {
			onMetric = append(onMetric, a)
		}
	}
	// An alarm that would work, with a topic action: keep it, switching
	// its actions back on if they are off.
	for _, a := range onMetric {
		topics := snsActions(a.AlarmActions)
		if len(topics) == 0 {
			continue
		}
		// The notification path first, then the alarm's actions: an alarm
		// never goes live pointing at a topic that cannot deliver.
		c.planTopic(topics[0], false)
		if !a.ActionsEnabled {
			before := alarmSpec(a)
			after := *before
			after.ActionsEnabled = true
			c.add(Step{Kind: KindAlarm, Action: EnableActions, Resource: a.Name, Before: before, After: &after,
				Reason: fmt.Sprintf("alarm %s is right but its actions are disabled, so nobody is told", a.Name)})
		}
		return
	}
	// Otherwise rootwatch's own alarm, on a topic chosen below.
	arn, topicIsNew := c.chooseTopic(m, alarms)
	if c.o.TopicARN != "" {
		p, _ := inventory.ParseARN(c.o.TopicARN)
		t := c.topic(c.o.TopicARN)
		switch {
		case p.Region != c.ap.Region:
			c.ap.Err = fmt.Errorf("--topic-arn %s is in %s, but the alarm must be in %s (the log group's region), and CloudWatch notifies topics in the alarm's region only", c.o.TopicARN, p.Region, c.ap.Region)
			return
		case t != nil && t.Error == nil && !t.Found:
			c.ap.Err = fmt.Errorf("--topic-arn %s does not exist", c.o.TopicARN)
			return
		}
	}
	want := &AlarmSpec{
		Name:        c.o.AlarmName,
		Description: "CIS " + cis.ControlID + ": " + cis.ControlTitle + " (managed by rootwatch)",
		Namespace:   m.namespace, MetricName: m.name,
		Statistic: cis.AlarmStatistic, Period: cis.AlarmPeriod, Threshold: cis.AlarmThreshold,
		Comparison: cis.AlarmComparison, EvaluationPeriods: cis.EvaluationPeriods,
		TreatMissingData: "notBreaching", ActionsEnabled: true, AlarmActions: []string{arn},
		Tags: c.o.tags(),
	}
	step := Step{Kind: KindAlarm, Action: Create, Resource: want.Name, After: want,
		Reason: fmt.Sprintf("no alarm on %s/%s raises on a single event with an SNS action", m.namespace, m.name)}
	if chainIsNew {
		step.Reason = "the new metric needs an alarm"
	}
	for _, a := range alarms {
		if c.o.isChainAlarmName(a.Name) && (step.Before == nil || a.Name == c.o.AlarmName) {
			want.Name, step.Resource = a.Name, a.Name
			step.Action, step.Before = Update, alarmSpec(a)
			step.Reason = fmt.Sprintf("alarm %s exists but does not raise on a single root event with an SNS action", a.Name)
			want.Tags = nil // PutMetricAlarm ignores tags on update
		}
	}
	c.planTopic(arn, topicIsNew)
	c.add(step)
}

func snsActions(actions []string) []string {
	var out []string
	for _, a := range actions {
		if strings.Contains(a, ":sns:") {
			out = append(out, a)
		}
	}
	return out
}

func alarmSpec(a inventory.Alarm) *AlarmSpec {
	s := &AlarmSpec{
		Name: a.Name, Namespace: a.Namespace, MetricName: a.MetricName,
		Statistic: a.Statistic, ExtendedStatistic: a.ExtendedStatistic, Period: a.Period, Unit: a.Unit,
		Threshold: a.Threshold, Comparison: a.ComparisonOperator, EvaluationPeriods: a.EvaluationPeriods,
		DatapointsToAlarm: a.DatapointsToAlarm, TreatMissingData: a.TreatMissingData,
		ActionsEnabled: a.ActionsEnabled, AlarmActions: slices.Clone(a.AlarmActions), OKActions: slices.Clone(a.OKActions),
	}
	if len(a.Dimensions) > 0 {
		s.Dimensions = map[string]string{}
		for _, d := range a.Dimensions {
			s.Dimensions[d.Name] = d.Value
		}
	}
	return s
}
