package fix

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// Simulate returns the snapshot as AWS would hold it once p is applied:
// a copy of snap with every step of every plannable chain made, and the
// resources fix read beyond the audit (facts: a home region's alarms,
// rootwatch's or --topic-arn's topic) added where the chain now reaches
// them. Auditing the result is how fix knows, with the audit's own rules,
// which links its plan leaves failing. snap is not changed.
func Simulate(snap *inventory.Snapshot, p *Plan, facts *Facts) (*inventory.Snapshot, error) {
	after, err := cloneSnapshot(snap)
	if err != nil {
		return nil, err
	}
	for _, ap := range p.Accounts {
		if ap.Err != nil || ap.Region == "" {
			continue
		}
		home := after.Account(ap.Account)
		if home == nil {
			continue
		}
		if facts != nil {
			if all, ok := facts.Alarms[Home{ap.Account, ap.Region}]; ok {
				setAlarms(home, ap.Region, all)
			}
		}
		// The topics the chain's alarms notify and the steps name, as the
		// audit would read them: from the snapshot, else from what Probe
		// read. Before the steps too, so a subscription or policy planned
		// on a topic only Probe read lands on it.
		adopt := func(arn string) {
			if home.Topic(arn) == nil {
				if ft := facts.topic(arn); ft != nil {
					home.Topics = append(home.Topics, cloneTopic(*ft))
				}
			}
		}
		adoptAlarmTopics := func() {
			alarms, _ := home.AlarmsIn(ap.Region)
			for _, al := range alarms {
				for _, t := range snsActions(al.AlarmActions) {
					adopt(t)
				}
			}
		}
		adoptAlarmTopics()
		for _, s := range ap.Steps {
			switch x := s.After.(type) {
			case *SubscriptionSpec:
				adopt(x.TopicARN)
			case *TopicPolicySpec:
				adopt(x.TopicARN)
			}
			simulateStep(after, s)
		}
		adoptAlarmTopics()
	}
	return after, nil
}

// cloneSnapshot deep-copies through the snapshot's own JSON form, which
// is its file format: whatever the snapshot holds survives.
func cloneSnapshot(s *inventory.Snapshot) (*inventory.Snapshot, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("copy the snapshot: %w", err)
	}
	out := &inventory.Snapshot{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("copy the snapshot: %w", err)
	}
	return out, nil
}

func cloneTopic(t inventory.Topic) inventory.Topic {
	t.Subscriptions = slices.Clone(t.Subscriptions)
	return t
}

// setAlarms makes region's alarms in a exactly all (read whole by Probe:
// the audit reads only the alarms on metrics its filters publish, and a
// new filter publishes a metric it did not look at).
func setAlarms(a *inventory.Account, region string, all []inventory.Alarm) {
	kept := a.Alarms[:0:0]
	for _, al := range a.Alarms {
		if al.Region != region {
			kept = append(kept, al)
		}
	}
	a.Alarms = append(kept, all...)
	if !slices.Contains(a.AlarmRegions, region) {
		a.AlarmRegions = append(a.AlarmRegions, region)
	}
}

// simulateStep makes one step of fix's in the snapshot.
func simulateStep(snap *inventory.Snapshot, s Step) {
	a := snap.Account(s.Account)
	if a == nil {
		return
	}
	switch x := s.After.(type) {
	case *LogGroupSpec:
		if g := a.LogGroup(x.ARN); g != nil {
			g.Found, g.Error = true, nil
			return
		}
		a.LogGroups = append(a.LogGroups, inventory.LogGroup{ARN: x.ARN, Name: x.Name, Region: s.Region, Found: true})
	case *TrailDeliverySpec:
		// An organization trail shows in every member's snapshot too.
		for i := range snap.Accounts {
			for j := range snap.Accounts[i].Trails {
				if t := &snap.Accounts[i].Trails[j]; t.ARN == x.TrailARN {
					t.LogGroupARN, t.RoleARN = x.LogGroupARN, x.RoleARN
				}
			}
		}
	case *MetricFilterSpec:
		simulateFilter(a, s.Region, x)
	case *AlarmSpec:
		simulateAlarm(a, s.Region, x)
	case *TopicSpec:
		if t := a.Topic(x.ARN); t != nil {
			t.Found, t.Error, t.Policy = true, nil, x.Policy
			return
		}
		a.Topics = append(a.Topics, inventory.Topic{ARN: x.ARN, Region: s.Region, Found: true, Policy: x.Policy})
	case *TopicPolicySpec:
		if t := a.Topic(x.TopicARN); t != nil {
			t.Policy = x.Policy
		}
	case *SubscriptionSpec:
		t := a.Topic(x.TopicARN)
		if t == nil {
			return
		}
		sub := inventory.Subscription{ARN: x.TopicARN + ":planned", Protocol: x.Protocol, Endpoint: x.Endpoint, Owner: s.Account}
		if (Endpoint{Protocol: x.Protocol}).needsConfirmation() {
			sub.ARN = inventory.PendingConfirmation
		}
		t.Subscriptions = append(t.Subscriptions, sub)
	}
}

func simulateFilter(a *inventory.Account, region string, x *MetricFilterSpec) {
	f := inventory.MetricFilter{Name: x.Name, Pattern: x.Pattern, Transformations: []inventory.MetricTransformation{{
		MetricName: x.MetricName, MetricNamespace: x.Namespace, MetricValue: x.Value, DefaultValue: x.Default, Unit: x.Unit,
	}}}
	for i := range a.LogGroups {
		g := &a.LogGroups[i]
		if g.Name != x.LogGroup || g.Region != region {
			continue
		}
		for j := range g.MetricFilters {
			if g.MetricFilters[j].Name == x.Name {
				g.MetricFilters[j] = f
				return
			}
		}
		g.MetricFilters = append(g.MetricFilters, f)
		return
	}
}

func simulateAlarm(a *inventory.Account, region string, x *AlarmSpec) {
	for i := range a.Alarms {
		al := &a.Alarms[i]
		if al.Region == region && al.Name == x.Name {
			applyAlarmSpec(al, x)
			return
		}
	}
	al := inventory.Alarm{Name: x.Name, Region: region,
		ARN: fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", partitionOf(firstOr(x.AlarmActions, "")), region, a.ID, x.Name)}
	applyAlarmSpec(&al, x)
	a.Alarms = append(a.Alarms, al)
	if !slices.Contains(a.AlarmRegions, region) {
		a.AlarmRegions = append(a.AlarmRegions, region)
	}
}

func applyAlarmSpec(al *inventory.Alarm, x *AlarmSpec) {
	al.MetricName, al.Namespace, al.MetricMath = x.MetricName, x.Namespace, false
	al.Statistic, al.ExtendedStatistic, al.Period, al.Unit = x.Statistic, x.ExtendedStatistic, x.Period, x.Unit
	al.Threshold, al.ComparisonOperator, al.EvaluationPeriods = x.Threshold, x.Comparison, x.EvaluationPeriods
	al.DatapointsToAlarm, al.TreatMissingData, al.ActionsEnabled = x.DatapointsToAlarm, x.TreatMissingData, x.ActionsEnabled
	al.AlarmActions, al.OKActions = slices.Clone(x.AlarmActions), slices.Clone(x.OKActions)
	al.Dimensions = nil
	for _, k := range sortedKeys(x.Dimensions) {
		al.Dimensions = append(al.Dimensions, inventory.Dimension{Name: k, Value: x.Dimensions[k]})
	}
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
