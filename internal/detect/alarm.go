package detect

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cis"
)

// Alarm states, as CloudWatch names them.
const (
	StateOK               = "OK"
	StateAlarm            = "ALARM"
	StateInsufficientData = "INSUFFICIENT_DATA"
)

// AlarmPolicy is alarm mode: the CIS chain's metric filter and alarm
// replayed locally, one alarm per rule and account. Each matching event
// adds MetricValue to the datapoint of the period holding its event time;
// the alarm is evaluated CloudWatch's way and an alert is sent when it
// goes to ALARM and when it comes back to OK.
type AlarmPolicy struct {
	Period            time.Duration
	Statistic         string // Sum, SampleCount, Average, Minimum, Maximum
	Comparison        string // GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold
	Threshold         float64
	EvaluationPeriods int
	DatapointsToAlarm int    // M of N; 0 means EvaluationPeriods
	TreatMissingData  string // missing, notBreaching, breaching, ignore
	MetricValue       float64
	// DefaultValue is the metric filter's default value: what a period
	// with no matching event reports. nil publishes nothing (missing data),
	// as a metric filter without a default does.
	DefaultValue *float64
}

// CISAlarmPolicy is the alarm CIS 4.3 prescribes (Sum of 1 per event over
// 300 s, ≥ 1, one period). The metric filter's default value is 0, so
// quiet periods are OK rather than INSUFFICIENT_DATA and the alarm can
// come back to OK.
func CISAlarmPolicy() AlarmPolicy {
	zero := 0.0
	return AlarmPolicy{
		Period:            cis.AlarmPeriod * time.Second,
		Statistic:         cis.AlarmStatistic,
		Comparison:        cis.AlarmComparison,
		Threshold:         cis.AlarmThreshold,
		EvaluationPeriods: cis.EvaluationPeriods,
		DatapointsToAlarm: cis.EvaluationPeriods,
		TreatMissingData:  "missing",
		MetricValue:       1,
		DefaultValue:      &zero,
	}
}

// Validate reports the first parameter CloudWatch would refuse.
func (p AlarmPolicy) Validate() error {
	switch {
	case p.Period < 10*time.Second || (p.Period > 30*time.Second && p.Period%time.Minute != 0) ||
		(p.Period <= 30*time.Second && p.Period != 10*time.Second && p.Period != 30*time.Second):
		return fmt.Errorf("alarm period %s: must be 10s, 30s or a multiple of 60s", p.Period)
	case p.EvaluationPeriods < 1:
		return fmt.Errorf("alarm evaluation periods %d: must be at least 1", p.EvaluationPeriods)
	case p.DatapointsToAlarm < 0 || p.DatapointsToAlarm > p.EvaluationPeriods:
		return fmt.Errorf("alarm datapoints to alarm %d: must be between 1 and the evaluation periods (%d)", p.DatapointsToAlarm, p.EvaluationPeriods)
	}
	switch p.Statistic {
	case "Sum", "SampleCount", "Average", "Minimum", "Maximum":
	default:
		return fmt.Errorf("alarm statistic %q: want Sum, SampleCount, Average, Minimum or Maximum", p.Statistic)
	}
	switch p.Comparison {
	case "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold":
	default:
		return fmt.Errorf("alarm comparison %q: want GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold", p.Comparison)
	}
	switch p.TreatMissingData {
	case "missing", "notBreaching", "breaching", "ignore":
	default:
		return fmt.Errorf("alarm treat missing data %q: want missing, notBreaching, breaching or ignore", p.TreatMissingData)
	}
	return nil
}

// Datapoint aggregates one period's metric values.
type Datapoint struct {
	Sum   float64 `json:"sum"`
	Count float64 `json:"count"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// AlarmState is the persisted state of one alarm.
type AlarmState struct {
	Key     string    `json:"key"` // rule|account
	Rule    string    `json:"rule"`
	Account string    `json:"account"`
	State   string    `json:"state"`
	Since   time.Time `json:"since"`
	// Notified is the last state an alert was sent for; "back to OK" is
	// only news after an ALARM.
	Notified   string              `json:"notified,omitempty"`
	Datapoints map[int64]Datapoint `json:"datapoints"` // period start (unix s) → data
	// Recent keeps the latest matches (bounded) so the ALARM alert can say
	// what triggered it.
	Recent []Match `json:"recent,omitempty"`
}

// AlarmKey is the alarm a match counts towards.
func AlarmKey(m Match) string { return m.Rule + "|" + m.Event.Account }

// NewAlarmState is an alarm that has not been evaluated yet.
func NewAlarmState(m Match, now time.Time) *AlarmState {
	return &AlarmState{Key: AlarmKey(m), Rule: m.Rule, Account: m.Event.Account,
		State: StateInsufficientData, Since: now, Datapoints: map[int64]Datapoint{}}
}

const maxRecent = 20

func (p AlarmPolicy) periodStart(t time.Time) int64 {
	sec := int64(p.Period / time.Second)
	u := t.Unix()
	return u - ((u%sec)+sec)%sec
}

// Record adds a match to its period's datapoint.
func (p AlarmPolicy) Record(s *AlarmState, m Match) {
	k := p.periodStart(m.Event.Time)
	d, ok := s.Datapoints[k]
	v := p.MetricValue
	if !ok {
		d = Datapoint{Min: v, Max: v}
	}
	d.Sum += v
	d.Count++
	d.Min = math.Min(d.Min, v)
	d.Max = math.Max(d.Max, v)
	s.Datapoints[k] = d
	s.Recent = append(s.Recent, m)
	if len(s.Recent) > maxRecent {
		s.Recent = s.Recent[len(s.Recent)-maxRecent:]
	}
}

func (p AlarmPolicy) value(d Datapoint) float64 {
	switch p.Statistic {
	case "SampleCount":
		return d.Count
	case "Average":
		return d.Sum / d.Count
	case "Minimum":
		return d.Min
	case "Maximum":
		return d.Max
	}
	return d.Sum
}

func (p AlarmPolicy) breaches(v float64) bool {
	switch p.Comparison {
	case "GreaterThanThreshold":
		return v > p.Threshold
	case "LessThanThreshold":
		return v < p.Threshold
	case "LessThanOrEqualToThreshold":
		return v <= p.Threshold
	}
	return v >= p.Threshold
}

// Evaluate runs the alarm at wall time now and returns the alert for a
// transition worth notifying (to ALARM; back to OK after an ALARM).
//
// The evaluation range is the EvaluationPeriods most recent periods. The
// current, still open period is included once it holds data (so a root
// sign-in alarms within seconds, not at the end of the period, as
// CloudWatch's own evaluation of partial periods does); otherwise the range
// ends with the last complete period. ALARM when at least
// DatapointsToAlarm datapoints breach; missing datapoints follow
// TreatMissingData: breaching / notBreaching count as such, missing and
// ignore are skipped, and when every datapoint is missing, missing goes to
// INSUFFICIENT_DATA and ignore keeps the current state.
func (p AlarmPolicy) Evaluate(s *AlarmState, now time.Time) *alert.Alert {
	m := p.DatapointsToAlarm
	if m == 0 {
		m = p.EvaluationPeriods
	}
	sec := int64(p.Period / time.Second)
	newest := p.periodStart(now)
	if _, ok := s.Datapoints[newest]; !ok {
		newest -= sec
	}
	oldest := newest - int64(p.EvaluationPeriods-1)*sec
	breaching, present := 0, 0
	for k := oldest; k <= newest; k += sec {
		d, ok := s.Datapoints[k]
		switch {
		case ok:
			present++
			if p.breaches(p.value(d)) {
				breaching++
			}
		case p.DefaultValue != nil:
			present++
			if p.breaches(*p.DefaultValue) {
				breaching++
			}
		case p.TreatMissingData == "breaching":
			present++
			breaching++
		case p.TreatMissingData == "notBreaching":
			present++
		}
	}
	// Forget periods that can no longer be in any evaluation range.
	for k := range s.Datapoints {
		if k < oldest {
			delete(s.Datapoints, k)
		}
	}
	next := s.State
	switch {
	case breaching >= m:
		next = StateAlarm
	case present == 0 && p.TreatMissingData == "ignore":
		// keep the state
	case present == 0:
		next = StateInsufficientData
	default:
		next = StateOK
	}
	if next == s.State {
		return nil
	}
	prev := s.State
	s.State, s.Since = next, now
	notify := next == StateAlarm || (next == StateOK && s.Notified == StateAlarm)
	if !notify {
		return nil
	}
	s.Notified = next
	a := p.transitionAlert(s, prev, oldest, newest, breaching, now)
	if next == StateOK {
		s.Recent = nil
	}
	return &a
}

func (p AlarmPolicy) transitionAlert(s *AlarmState, prev string, oldest, newest int64, breaching int, now time.Time) alert.Alert {
	a := alert.Alert{
		ID:            alertID("alarm", s.Key, s.State, strconv.FormatInt(s.Since.Unix(), 10)),
		Rule:          s.Rule,
		Kind:          alert.KindAlarm,
		Severity:      alert.SeverityInfo,
		Created:       now.UTC(),
		Account:       s.Account,
		State:         s.State,
		PreviousState: prev,
		Details: map[string]string{
			"statistic":          p.Statistic,
			"period_seconds":     strconv.FormatInt(int64(p.Period/time.Second), 10),
			"threshold":          strconv.FormatFloat(p.Threshold, 'g', -1, 64),
			"comparison":         p.Comparison,
			"evaluation_periods": strconv.Itoa(p.EvaluationPeriods),
			"breaching":          strconv.Itoa(breaching),
			"range_start":        time.Unix(oldest, 0).UTC().Format(time.RFC3339),
			"range_end":          time.Unix(newest, 0).Add(p.Period).UTC().Format(time.RFC3339),
		},
	}
	a.Title = fmt.Sprintf("Alarm %s for %s is %s", s.Rule, s.Account, s.State)
	a.Summary = fmt.Sprintf("%d of the last %d periods of %s breached %s %s %g (was %s).",
		breaching, p.EvaluationPeriods, p.Period, p.Statistic, p.Comparison, p.Threshold, prev)
	if s.State == StateAlarm && len(s.Recent) > 0 {
		a.Severity = alert.SeverityCritical
		recent := append([]Match(nil), s.Recent...)
		sort.SliceStable(recent, func(i, j int) bool { return recent[i].Event.Time.Before(recent[j].Event.Time) })
		ev := EventAlert(recent, now)
		a.Region, a.EventName, a.EventSource, a.EventTime = ev.Region, ev.EventName, ev.EventSource, ev.EventTime
		a.SourceIP, a.UserAgent, a.Identity, a.ErrorCode, a.MFAUsed = ev.SourceIP, ev.UserAgent, ev.Identity, ev.ErrorCode, ev.MFAUsed
		a.ConsoleURL, a.EventIDs, a.Events = ev.ConsoleURL, ev.EventIDs, ev.Events
		a.Summary += " Latest: " + ev.Summary
	}
	return a
}
