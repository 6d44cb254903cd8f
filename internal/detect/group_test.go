package detect

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func match(id string, at time.Duration, ip string) Match {
	return Match{Rule: alert.RuleRootUsage, Title: "Root user activity", Severity: alert.SeverityCritical,
		Event: Event{ID: id, Name: "ListBuckets", Account: "111122223333", Region: "us-east-1",
			SourceIP: ip, Identity: "arn:aws:iam::111122223333:root", Time: t0.Add(at), Raw: []byte(`{}`)}}
}

func eventIDs(as []alert.Alert) [][]string {
	var out [][]string
	for _, a := range as {
		out = append(out, a.EventIDs)
	}
	return out
}

func TestGroupPolicy(t *testing.T) {
	p := GroupPolicy{Window: 10 * time.Minute, FlushDelay: time.Minute}
	now := t0.Add(time.Hour)
	key := GroupKey(match("x", 0, "203.0.113.1"))

	// A batch opening a session: one alert with every event at once.
	g, out := p.Add(nil, key, []Match{match("b", time.Minute, "ip"), match("a", 0, "ip")}, now)
	if want := [][]string{{"a", "b"}}; !slices.EqualFunc(eventIDs(out), want, slices.Equal) {
		t.Fatalf("first batch alerts %v, want %v", eventIDs(out), want)
	}
	first := out[0]
	if first.Kind != alert.KindEvent || first.Rule != alert.RuleRootUsage || first.Details["part"] != "1" {
		t.Errorf("first alert = %+v", first)
	}

	// Later events of the same session wait for the flush.
	g, out = p.Add(g, key, []Match{match("c", 5*time.Minute, "ip")}, now.Add(time.Second))
	if len(out) != 0 || len(g.Pending) != 1 || !g.FlushAt.Equal(now.Add(time.Minute+time.Second)) {
		t.Fatalf("follow-up: alerts %v, group %+v", eventIDs(out), g)
	}
	g, out = p.Add(g, key, []Match{match("d", 6*time.Minute, "ip")}, now.Add(2*time.Second))
	if len(out) != 0 || len(g.Pending) != 2 {
		t.Fatalf("second follow-up: alerts %v, pending %d", eventIDs(out), len(g.Pending))
	}
	if g2, a := p.Flush(g, now.Add(30*time.Second)); a != nil || len(g2.Pending) != 2 {
		t.Fatal("flushed before the delay")
	}
	g, a := p.Flush(g, now.Add(2*time.Minute))
	if a == nil || !slices.Equal(a.EventIDs, []string{"c", "d"}) || len(g.Pending) != 0 {
		t.Fatalf("flush = %+v, group %+v", a, g)
	}
	if a.Details["session"] != first.ID || a.Details["part"] != "2" {
		t.Errorf("follow-up does not name its session: %v", a.Details)
	}

	// An event beyond the window starts a new session, flushing the old one.
	g, _ = p.Add(g, key, []Match{match("e", 8*time.Minute, "ip")}, now.Add(3*time.Minute))
	g, out = p.Add(g, key, []Match{match("f", 30*time.Minute, "ip")}, now.Add(4*time.Minute))
	if want := [][]string{{"e"}, {"f"}}; !slices.EqualFunc(eventIDs(out), want, slices.Equal) {
		t.Fatalf("new session alerts %v, want %v", eventIDs(out), want)
	}
	if g.Parts != 1 || g.First != t0.Add(30*time.Minute) {
		t.Errorf("new session state %+v", g)
	}
	if p.Expired(g, now.Add(5*time.Minute)) || !p.Expired(g, now.Add(15*time.Minute)) {
		t.Error("Expired does not follow the window")
	}
}

func TestAlertIDStable(t *testing.T) {
	p := DefaultGroupPolicy()
	ms := []Match{match("a", 0, "ip"), match("b", time.Second, "ip")}
	_, x := p.Add(nil, GroupKey(ms[0]), ms, t0)
	_, y := p.Add(nil, GroupKey(ms[0]), []Match{ms[1], ms[0]}, t0.Add(time.Hour))
	if x[0].ID != y[0].ID {
		t.Errorf("same events, different IDs: %s %s", x[0].ID, y[0].ID)
	}
	_, z := p.Add(nil, GroupKey(ms[0]), ms[:1], t0)
	if z[0].ID == x[0].ID {
		t.Error("different events, same ID")
	}
}

func TestEventAlertCapsRawEvents(t *testing.T) {
	var ms []Match
	for i := range MaxRawEvents + 5 {
		ms = append(ms, match(fmt.Sprint(i), time.Duration(i)*time.Second, "ip"))
	}
	a := EventAlert(ms, t0)
	if len(a.EventIDs) != MaxRawEvents+5 || len(a.Events) != MaxRawEvents || a.Details["events_omitted"] != "5" {
		t.Errorf("ids %d, events %d, details %v", len(a.EventIDs), len(a.Events), a.Details)
	}
}

func TestEventAlertSummary(t *testing.T) {
	for _, tt := range []struct {
		sample, want string
	}{
		{sampleRootConsoleSignIn, "signed in to the console of account 111122223333 from 203.0.113.10 at 2026-11-30T10:01:00Z (MFA used: Yes)."},
		{sampleRootFailedSignIn, "Failed console sign-in as arn:aws:iam::111122223333:root to account 111122223333 from 198.51.100.7"},
		{sampleRootAPICall, "called CreateAccessKey (iam.amazonaws.com) in account 111122223333, region us-east-1, from 203.0.113.10"},
		{sampleDisableAlarmActionsDenied, "The call failed: AccessDenied."},
	} {
		e, err := ParseEvent([]byte(tt.sample))
		if err != nil {
			t.Fatal(err)
		}
		a := EventAlert([]Match{{Rule: "r", Title: "T", Event: e}}, t0)
		if !strings.Contains(a.Summary, tt.want) {
			t.Errorf("summary %q does not contain %q", a.Summary, tt.want)
		}
	}
}
