package scan

import (
	"slices"
	"time"

	"github.com/rootwatch/rootwatch/internal/cis"
)

// Episode is one stretch of time the CIS alarm would have spent in ALARM:
// from the first 5-minute period whose Sum reached the threshold to the
// first period without a datapoint.
type Episode struct {
	Alarm   time.Time `json:"alarm"`   // transition to ALARM (end of the breaching period)
	Cleared time.Time `json:"cleared"` // transition out of ALARM
	Periods int       `json:"periods"` // breaching periods in the episode
	Events  int       `json:"events"`  // matching events in the episode
}

// ReplayAlarm replays the CIS 4.3 alarm over the matching findings:
// metric value 1 per match, Sum over cis.AlarmPeriod seconds aligned as
// CloudWatch aligns them, threshold cis.AlarmThreshold, one evaluation
// period. Periods without a match publish no datapoint (the CIS metric
// filter has no default value), so the alarm leaves ALARM at the end of
// the first empty period. Only an episode's start notifies: a second root
// session inside an episode is silent.
func ReplayAlarm(fs []Finding) []Episode {
	sums := map[time.Time]int{}
	for _, f := range fs {
		if f.CIS && !f.Time.IsZero() {
			sums[alarmPeriod(f.Time)]++
		}
	}
	return ReplayPeriods(sums)
}

// alarmPeriod is the start of the alarm period t falls in.
func alarmPeriod(t time.Time) time.Time {
	return t.Truncate(time.Duration(cis.AlarmPeriod) * time.Second)
}

// ReplayPeriods is ReplayAlarm over matches already counted per period
// (keys are alarmPeriod starts): a scan counts them as it goes.
func ReplayPeriods(sums map[time.Time]int) []Episode {
	period := time.Duration(cis.AlarmPeriod) * time.Second
	starts := make([]time.Time, 0, len(sums))
	for p := range sums {
		starts = append(starts, p)
	}
	slices.SortFunc(starts, time.Time.Compare)
	var eps []Episode
	for _, p := range starts {
		if float64(sums[p]) < cis.AlarmThreshold {
			continue
		}
		if n := len(eps); n > 0 && eps[n-1].Cleared.Equal(p.Add(period)) {
			e := &eps[n-1]
			e.Cleared = p.Add(2 * period)
			e.Periods++
			e.Events += sums[p]
			continue
		}
		eps = append(eps, Episode{Alarm: p.Add(period), Cleared: p.Add(2 * period), Periods: 1, Events: sums[p]})
	}
	return eps
}
