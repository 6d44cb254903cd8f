package audit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

type alarmOption struct {
	link  Link
	alarm *inventory.Alarm
}

// maxPeriod is the longest alarm period without a warning: the CIS
// remediation uses 300 s. A longer period still fires on one event (the
// Sum of the period is 1), but the notification can come up to a period
// late; neither CIS's audit procedure nor Security Hub CloudWatch.1 checks
// the period, so it is a warning, not a FAIL.
const maxPeriod = 300

// alarmOptions finds the alarms in the filter's account and region on the
// filter's metric (name and namespace, no dimensions) and checks each
// fires on a single event with its actions enabled.
func alarmOptions(owner *inventory.Account, region string, m *inventory.MetricTransformation, now time.Time) []alarmOption {
	metric := m.MetricNamespace + "/" + m.MetricName
	create := fmt.Sprintf("rootwatch fix (or: aws cloudwatch put-metric-alarm --alarm-name %s --metric-name %s --namespace %s --statistic Sum --period %d --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN --region %s)",
		cis.AlarmName, m.MetricName, m.MetricNamespace, cis.AlarmPeriod, region)
	alarms, read := owner.AlarmsIn(region)
	if !read {
		l := Link{Name: LinkAlarm, Resource: metric, Status: Unknown, Detail: "alarms in " + region + " were not read"}
		if e := owner.RegionError(region, inventory.ListAlarms); e != nil {
			l.Detail = e.Verdict()
		}
		return []alarmOption{{link: l}}
	}
	var out []alarmOption
	var near []string
	for i := range alarms {
		al := &alarms[i]
		if al.MetricMath {
			continue
		}
		if al.MetricName != m.MetricName {
			continue
		}
		if al.Namespace != m.MetricNamespace {
			near = append(near, fmt.Sprintf("alarm %s watches %s in namespace %s, but the filter publishes to %s", al.Name, al.MetricName, al.Namespace, m.MetricNamespace))
			continue
		}
		out = append(out, alarmOption{link: checkAlarm(al, m, now), alarm: al})
	}
	if len(out) == 0 {
		l := Link{Name: LinkAlarm, Resource: metric, Status: Fail, Fix: create,
			Detail: fmt.Sprintf("no alarm on metric %s in %s", metric, region)}
		if len(near) > 0 {
			l.Detail += ": " + strings.Join(near, "; ")
		}
		return []alarmOption{{link: l}}
	}
	return out
}

// checkAlarm FAILs what stops one root event from notifying (dimensions,
// unit, a condition one event cannot meet, M-of-N with M > 1, disabled
// actions) and warns about what only delays or weakens the notification.
// now is the snapshot's collection time, for how long the alarm has been
// in its state.
func checkAlarm(al *inventory.Alarm, m *inventory.MetricTransformation, now time.Time) Link {
	l := Link{Name: LinkAlarm, Resource: al.ARN}
	if l.Resource == "" {
		l.Resource = al.Name
	}
	fails, cond, need := alarmConditionFailures(al, m)
	var fixes []string
	put := fmt.Sprintf("rootwatch fix (or: aws cloudwatch put-metric-alarm --alarm-name %s --metric-name %s --namespace %s --statistic Sum --period %d --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions ... --region %s)",
		al.Name, m.MetricName, m.MetricNamespace, cis.AlarmPeriod, al.Region)
	if len(fails) > 0 {
		fixes = append(fixes, put)
	}
	if !al.ActionsEnabled {
		fails = append(fails, disabledActions(al.Reenable, now))
		fixes = append(fixes, fmt.Sprintf("aws cloudwatch enable-alarm-actions --alarm-names %s --region %s (or rootwatch backout --enable-actions)", al.Name, al.Region))
	}
	if len(fails) > 0 {
		l.Status = Fail
		l.Detail = fmt.Sprintf("alarm %s: %s", al.Name, strings.Join(fails, "; "))
		l.Fix = strings.Join(fixes, " && ")
		return l
	}
	l.Status = Pass
	l.Detail = fmt.Sprintf("alarm %s: %s over %d s, %d of %d datapoints, actions enabled", al.Name, cond, al.Period, need, al.EvaluationPeriods)
	if al.StateValue != "" {
		l.Detail += ", state " + al.StateValue
	}
	l.Warnings = alarmWarnings(al, put, now)
	return l
}

// reenableGrace is how long after its time a re-enable schedule may still
// be running: Scheduler invokes a target within the minute it is due
// (Scheduler user guide, "Schedule types": 60 second precision) and
// retries a failed call.
const reenableGrace = 5 * time.Minute

// disabledActions says why an alarm with its actions disabled FAILs,
// and until when if backout left a schedule to re-enable them. The link
// FAILs either way: until then nobody is notified. A schedule that could
// not be read is said to be unknown, never taken as "none" or "soon".
func disabledActions(re *inventory.Reenable, now time.Time) string {
	const off = "so it changes state but notifies nobody"
	switch {
	case re == nil:
		return "its actions are disabled, " + off
	case re.Err != nil:
		return fmt.Sprintf("its actions are disabled, %s; whether and when rootwatch's schedule %s re-enables them is unknown (%s)", off, re.Schedule, re.Err.Verdict())
	case !now.IsZero() && re.At.Add(reenableGrace).Before(now):
		// The schedule should have run and deleted itself: its role or
		// target failed, and nothing will re-enable the actions.
		return fmt.Sprintf("its actions are disabled, %s; rootwatch's schedule %s was due to re-enable them at %s and has not (check its role and target, or run rootwatch backout --enable-actions)", off, re.Schedule, re.At.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("its actions are disabled until %s (rootwatch's schedule %s re-enables them then), %s until then", re.At.UTC().Format(time.RFC3339), re.Schedule, off)
}

// alarmWarnings is the advice on an alarm that does fire on one root
// event. put is the command that recreates the alarm as CIS does.
func alarmWarnings(al *inventory.Alarm, put string, now time.Time) []Warning {
	var ws []Warning
	if al.Period > maxPeriod {
		ws = append(ws, Warning{Code: WarnAlarmPeriod, Fix: put,
			Message: fmt.Sprintf("its period is %d s: one root event still fires it, but the notification can come up to %d s late (the CIS remediation uses %d s)", al.Period, al.Period, cis.AlarmPeriod)})
	}
	if al.StateValue == "ALARM" {
		since := ""
		if !al.StateUpdated.IsZero() {
			since = " since " + al.StateUpdated.UTC().Format(time.RFC3339)
			if d := now.Sub(al.StateUpdated); !now.IsZero() && d > 0 {
				since += " (" + humanDuration(d) + ")"
			}
		}
		ws = append(ws, Warning{Code: WarnAlarmInAlarm,
			Message: "it has been in ALARM" + since + ": CloudWatch notifies on a state change, so a new root use causes no new notification until the alarm returns to OK",
			Fix:     "find out why it is in ALARM (a root use nobody closed, or a filter counting too much), then let it return to OK: aws cloudwatch set-alarm-state --alarm-name " + al.Name + " --state-value OK --state-reason reviewed --region " + al.Region})
	}
	switch al.TreatMissingData {
	case "breaching", "ignore":
		what := map[string]string{
			"breaching": "periods without a root event count as breaching",
			"ignore":    "periods without data leave the state as it is",
		}[al.TreatMissingData]
		ws = append(ws, Warning{Code: WarnAlarmMissingData, Fix: strings.Replace(put, "--alarm-actions", "--treat-missing-data notBreaching --alarm-actions", 1),
			Message: "treatMissingData is " + al.TreatMissingData + ": " + what + ", so the alarm stays in ALARM after a root use and the next root use does not notify; use notBreaching (or missing)"})
	}
	return ws
}

// humanDuration says how long in the largest whole unit that is useful
// to a reader: days, else hours, else minutes.
func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	}
	return fmt.Sprintf("%d minutes", int(d/time.Minute))
}

func unitOrNone(u string) string {
	if u == "" {
		return "None"
	}
	return u
}

// FiresOnOneEvent says whether one event the filter counts (publishing m's
// value) raises the alarm, whatever its actions: the one test fix and
// audit share when deciding whether an alarm on the metric is usable.
func FiresOnOneEvent(al *inventory.Alarm, m *inventory.MetricTransformation) bool {
	if al.MetricMath || al.MetricName != m.MetricName || al.Namespace != m.MetricNamespace {
		return false
	}
	fails, _, _ := alarmConditionFailures(al, m)
	return len(fails) == 0
}

// alarmConditionFailures are the reasons one event does not raise the
// alarm (dimensions, a condition one event cannot meet, M of N with M > 1,
// another unit), with the condition text and the datapoints it needs.
func alarmConditionFailures(al *inventory.Alarm, m *inventory.MetricTransformation) (fails []string, cond string, need int32) {
	if len(al.Dimensions) > 0 {
		var ds []string
		for _, d := range al.Dimensions {
			ds = append(ds, d.Name+"="+d.Value)
		}
		fails = append(fails, "it has dimensions "+strings.Join(ds, ",")+" but the filter publishes the metric without dimensions, so it never receives data")
	}
	value, _ := strconv.ParseFloat(m.MetricValue, 64)
	stat := al.Statistic
	if stat == "" {
		stat = al.ExtendedStatistic
	}
	// With one root event in a period every statistic but SampleCount
	// equals the published value; SampleCount is 1.
	x := value
	if stat == "SampleCount" {
		x = 1
	}
	fires := false
	switch al.ComparisonOperator {
	case "GreaterThanOrEqualToThreshold":
		fires = x >= al.Threshold
	case "GreaterThanThreshold":
		fires = x > al.Threshold
	}
	cond = fmt.Sprintf("%s %s %g", stat, inventory.ComparisonSymbol(al.ComparisonOperator), al.Threshold)
	if !fires {
		fails = append(fails, fmt.Sprintf("%s does not fire on a single event (which makes the metric %g)", cond, x))
	}
	need = al.DatapointsToAlarm
	if need == 0 {
		need = al.EvaluationPeriods
	}
	if need > 1 {
		fails = append(fails, fmt.Sprintf("it needs %d breaching datapoints out of %d, so a single event does not fire it", need, al.EvaluationPeriods))
	}
	if al.Unit != "" && al.Unit != unitOrNone(m.Unit) {
		fails = append(fails, fmt.Sprintf("it watches unit %s but the filter publishes %s, so it never receives data", al.Unit, unitOrNone(m.Unit)))
	}
	return fails, cond, need
}
