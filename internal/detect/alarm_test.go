package detect

import (
	"testing"
	"time"
)

func TestAlarmPolicyValidate(t *testing.T) {
	if err := CISAlarmPolicy().Validate(); err != nil {
		t.Fatalf("CIS policy invalid: %v", err)
	}
	bad := []func(*AlarmPolicy){
		func(p *AlarmPolicy) { p.Period = 45 * time.Second },
		func(p *AlarmPolicy) { p.EvaluationPeriods = 0 },
		func(p *AlarmPolicy) { p.DatapointsToAlarm = 2 },
		func(p *AlarmPolicy) { p.Statistic = "p99" },
		func(p *AlarmPolicy) { p.Comparison = "Equal" },
		func(p *AlarmPolicy) { p.TreatMissingData = "skip" },
	}
	for i, f := range bad {
		p := CISAlarmPolicy()
		f(&p)
		if p.Validate() == nil {
			t.Errorf("case %d: %+v accepted", i, p)
		}
	}
}

type step struct {
	at      time.Duration // wall clock offset from t0
	events  []time.Duration
	state   string
	alerted string // state of the alert sent, "" for none
}

func runAlarm(t *testing.T, p AlarmPolicy, steps []step) {
	t.Helper()
	var s *AlarmState
	for i, st := range steps {
		now := t0.Add(st.at)
		for j, at := range st.events {
			m := match(string(rune('a'+i))+string(rune('0'+j)), at, "ip")
			if s == nil {
				s = NewAlarmState(m, now)
			}
			p.Record(s, m)
		}
		if s == nil {
			s = NewAlarmState(match("x", 0, "ip"), now)
		}
		a := p.Evaluate(s, now)
		got := ""
		if a != nil {
			got = a.State
		}
		if s.State != st.state || got != st.alerted {
			t.Fatalf("step %d at %s: state %s alerted %q, want %s alerted %q", i, st.at, s.State, got, st.state, st.alerted)
		}
	}
}

func TestAlarmCIS(t *testing.T) {
	// 5-minute Sum ≥ 1, default value 0: ALARM within the period, OK once a
	// quiet period has passed, and one alert for each.
	runAlarm(t, CISAlarmPolicy(), []step{
		{at: time.Minute, state: StateOK},
		{at: 2 * time.Minute, events: []time.Duration{2 * time.Minute}, state: StateAlarm, alerted: StateAlarm},
		{at: 3 * time.Minute, events: []time.Duration{3 * time.Minute}, state: StateAlarm},
		{at: 6 * time.Minute, state: StateAlarm}, // the last complete period still breaches
		{at: 10 * time.Minute, state: StateOK, alerted: StateOK},
		{at: 11 * time.Minute, state: StateOK},
	})
}

func TestAlarmMissingData(t *testing.T) {
	p := CISAlarmPolicy()
	p.DefaultValue = nil // a metric filter without a default value
	runAlarm(t, p, []step{
		{at: time.Minute, state: StateInsufficientData},
		{at: 2 * time.Minute, events: []time.Duration{2 * time.Minute}, state: StateAlarm, alerted: StateAlarm},
		{at: 10 * time.Minute, state: StateInsufficientData}, // no OK alert: it is not OK
	})
	p.TreatMissingData = "notBreaching"
	runAlarm(t, p, []step{
		{at: time.Minute, state: StateOK},
		{at: 2 * time.Minute, events: []time.Duration{2 * time.Minute}, state: StateAlarm, alerted: StateAlarm},
		{at: 10 * time.Minute, state: StateOK, alerted: StateOK},
	})
	p.TreatMissingData = "ignore"
	runAlarm(t, p, []step{
		{at: time.Minute, state: StateInsufficientData},
		{at: 2 * time.Minute, events: []time.Duration{2 * time.Minute}, state: StateAlarm, alerted: StateAlarm},
		{at: 10 * time.Minute, state: StateAlarm},
	})
	p.TreatMissingData = "breaching"
	runAlarm(t, p, []step{
		{at: time.Minute, state: StateAlarm, alerted: StateAlarm},
	})
}

func TestAlarmMOfN(t *testing.T) {
	p := CISAlarmPolicy()
	p.Period = time.Minute
	p.EvaluationPeriods = 3
	p.DatapointsToAlarm = 2
	p.Threshold = 2
	runAlarm(t, p, []step{
		{at: 30 * time.Second, events: []time.Duration{10 * time.Second, 20 * time.Second}, state: StateOK},
		// one breaching period (2 events) then a quiet one: 1 of 3
		{at: time.Minute + 30*time.Second, state: StateOK},
		// a second breaching period: 2 of 3 → ALARM
		{at: 2*time.Minute + 30*time.Second, events: []time.Duration{2*time.Minute + time.Second, 2*time.Minute + 2*time.Second}, state: StateAlarm, alerted: StateAlarm},
		{at: 7 * time.Minute, state: StateOK, alerted: StateOK},
	})
}

func TestAlarmStatistics(t *testing.T) {
	for _, tt := range []struct {
		stat string
		want string
	}{{"Sum", StateAlarm}, {"SampleCount", StateAlarm}, {"Average", StateOK}, {"Maximum", StateOK}, {"Minimum", StateOK}} {
		p := CISAlarmPolicy()
		p.Statistic, p.Threshold = tt.stat, 2
		s := NewAlarmState(match("a", 0, "ip"), t0)
		p.Record(s, match("a", time.Second, "ip"))
		p.Record(s, match("b", 2*time.Second, "ip"))
		p.Evaluate(s, t0.Add(time.Minute))
		if s.State != tt.want {
			t.Errorf("%s of two 1s ≥ 2: %s, want %s", tt.stat, s.State, tt.want)
		}
	}
}

func TestAlarmAlertCarriesEvents(t *testing.T) {
	p := CISAlarmPolicy()
	s := NewAlarmState(match("a", 0, "ip"), t0)
	p.Record(s, match("a", time.Second, "ip"))
	a := p.Evaluate(s, t0.Add(time.Minute))
	if a == nil || a.State != StateAlarm || a.PreviousState != StateInsufficientData || len(a.EventIDs) != 1 || a.EventIDs[0] != "a" {
		t.Fatalf("alarm alert = %+v", a)
	}
	if a.ID == "" || a.Kind != "alarm" {
		t.Errorf("alert id/kind: %q %q", a.ID, a.Kind)
	}
}
