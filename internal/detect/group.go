package detect

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// GroupPolicy is event mode: one alert per session, where a session is the
// events of one rule with the same account, source IP and identity no
// further apart than Window. The first events of a session are alerted at
// once; events that join an already-alerted session wait up to FlushDelay
// and go out together in one follow-up alert, so a busy root session is a
// handful of notifications, not hundreds, and every event ID is still
// delivered in some alert.
type GroupPolicy struct {
	Window     time.Duration
	FlushDelay time.Duration
}

// DefaultGroupPolicy groups a session's calls within an hour and sends the
// follow-ups a minute after they arrive.
func DefaultGroupPolicy() GroupPolicy {
	return GroupPolicy{Window: time.Hour, FlushDelay: time.Minute}
}

// MaxRawEvents bounds how many full records one alert carries.
const MaxRawEvents = 50

// MaxAlertEventIDs bounds how many event IDs one alert lists: a session of
// hundreds of thousands of events (one forged request can hold them) must
// not become one alert of a gigabyte. The rest are counted
// (alert.EventsOmitted) and the alert says how to list them (ScanHint).
const MaxAlertEventIDs = 100

// Group is the persisted state of one open session.
type Group struct {
	Key     string    `json:"key"`
	Rule    string    `json:"rule"`
	Session string    `json:"session"` // ID of the session's first alert
	First   time.Time `json:"first"`   // event time of the earliest event
	Last    time.Time `json:"last"`    // event time of the latest event
	Parts   int       `json:"parts"`   // alerts sent for this session so far
	Pending []Match   `json:"pending,omitempty"`
	// Omitted counts pending events beyond MaxAlertEventIDs, which are not
	// kept (the state would grow without bound); the follow-up counts them.
	Omitted int       `json:"omitted,omitempty"`
	FlushAt time.Time `json:"flush_at,omitzero"` // wall clock; zero when nothing pending
	Touched time.Time `json:"touched"`           // wall clock of the last change
}

// GroupKey is the session key of a match.
func GroupKey(m Match) string {
	return m.Rule + "|" + m.Event.Account + "|" + m.Event.SourceIP + "|" + m.Event.Identity
}

func (p GroupPolicy) within(g *Group, t time.Time) bool {
	return !t.Before(g.First.Add(-p.Window)) && !t.After(g.Last.Add(p.Window))
}

// Add folds ms (all with key) into the open group g (nil when there is
// none) at wall time now. It returns the new group state and the alerts to
// send now: one for each new session, and one flushing a previous
// session's pending events when a new session replaces it.
func (p GroupPolicy) Add(g *Group, key string, ms []Match, now time.Time) (*Group, []alert.Alert) {
	ms = append([]Match(nil), ms...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Event.Time.Before(ms[j].Event.Time) })
	var (
		out   []alert.Alert
		fresh []Match // events of a session opened in this call: alerted at once
		cur   = g
	)
	if cur != nil {
		c := *cur
		c.Pending = append([]Match(nil), cur.Pending...)
		cur = &c
	}
	closeFresh := func() {
		if len(fresh) > 0 {
			a := p.build(cur, fresh, now)
			cur.Session = a.ID
			cur.Parts++
			out = append(out, a)
			fresh = nil
		}
	}
	for _, m := range ms {
		if cur != nil && p.within(cur, m.Event.Time) {
			if len(fresh) > 0 || cur.Parts == 0 {
				fresh = append(fresh, m)
			} else {
				if len(cur.Pending) < MaxAlertEventIDs {
					cur.Pending = append(cur.Pending, m)
				} else {
					cur.Omitted++
				}
				if cur.FlushAt.IsZero() {
					cur.FlushAt = now.Add(p.FlushDelay)
				}
			}
			if m.Event.Time.Before(cur.First) {
				cur.First = m.Event.Time
			}
			if m.Event.Time.After(cur.Last) {
				cur.Last = m.Event.Time
			}
			continue
		}
		// A new session: send what the old one still holds, then start.
		if cur != nil {
			closeFresh()
			if a, ok := p.flush(cur, now); ok {
				out = append(out, a)
			}
		}
		cur = &Group{Key: key, Rule: m.Rule, First: m.Event.Time, Last: m.Event.Time}
		fresh = append(fresh, m)
	}
	if cur != nil {
		closeFresh()
		cur.Touched = now
	}
	return cur, out
}

// Flush returns the follow-up alert for g's pending events when it is due
// at now, and the group without them.
func (p GroupPolicy) Flush(g *Group, now time.Time) (*Group, *alert.Alert) {
	if len(g.Pending) == 0 || now.Before(g.FlushAt) {
		return g, nil
	}
	c := *g
	a, _ := p.flush(&c, now)
	c.Touched = now
	return &c, &a
}

func (p GroupPolicy) flush(g *Group, now time.Time) (alert.Alert, bool) {
	if len(g.Pending) == 0 {
		return alert.Alert{}, false
	}
	a := p.build(g, g.Pending, now)
	addOmitted(&a, g.Omitted, g.First, g.Last)
	g.Parts++
	g.Pending = nil
	g.Omitted = 0
	g.FlushAt = time.Time{}
	return a, true
}

// Expired reports whether g can be forgotten: nothing pending and no
// change for a whole window (a late event after that opens a new session).
func (p GroupPolicy) Expired(g *Group, now time.Time) bool {
	return len(g.Pending) == 0 && now.Sub(g.Touched) > p.Window
}

func (p GroupPolicy) build(g *Group, ms []Match, now time.Time) alert.Alert {
	first := ms[0]
	a := EventAlert(ms, now)
	a.ID = alertID(first.Rule, g.Key, joinIDs(ms))
	if g.Parts > 0 {
		a.Title += fmt.Sprintf(" (session continued, part %d)", g.Parts+1)
		a.Details["session"] = g.Session
	}
	a.Details["part"] = strconv.Itoa(g.Parts + 1)
	a.Details["session_start"] = g.First.Format(time.RFC3339)
	return a
}

// EventAlert builds the alert that reports ms (same rule; the first one
// names the event). Callers that do not group (Lambda without a store)
// use it directly.
func EventAlert(ms []Match, now time.Time) alert.Alert {
	first := ms[0].Event
	sev := ms[0].Severity
	ids := make([]string, 0, min(len(ms), MaxAlertEventIDs))
	raws := make([]json.RawMessage, 0, min(len(ms), MaxRawEvents))
	firstT, lastT := first.Time, first.Time
	for i, m := range ms {
		if m.Severity > sev {
			sev = m.Severity
		}
		if i < MaxAlertEventIDs {
			ids = append(ids, m.Event.ID)
		}
		if i < MaxRawEvents {
			raws = append(raws, m.Event.Raw)
		}
		if m.Event.Time.Before(firstT) {
			firstT = m.Event.Time
		}
		if m.Event.Time.After(lastT) {
			lastT = m.Event.Time
		}
	}
	title := fmt.Sprintf("%s: %s in %s", ms[0].Title, first.Name, first.Account)
	if len(ms) > 1 {
		title = fmt.Sprintf("%s: %s and %d more in %s", ms[0].Title, first.Name, len(ms)-1, first.Account)
	}
	summary := fmt.Sprintf("%s called %s (%s) in account %s, region %s, from %s at %s.",
		first.Identity, first.Name, first.Source, first.Account, first.Region, first.SourceIP,
		first.Time.Format(time.RFC3339))
	if first.Name == "ConsoleLogin" {
		summary = fmt.Sprintf("%s signed in to the console of account %s from %s at %s (MFA used: %s).",
			first.Identity, first.Account, first.SourceIP, first.Time.Format(time.RFC3339), orUnknown(first.MFAUsed))
	}
	switch {
	case first.Name == "ConsoleLogin" && first.ErrorCode != "":
		summary = fmt.Sprintf("Failed console sign-in as %s to account %s from %s at %s.",
			first.Identity, first.Account, first.SourceIP, first.Time.Format(time.RFC3339))
	case first.ErrorCode != "":
		summary += " The call failed: " + first.ErrorCode + "."
	}
	if first.AssumedRoot {
		summary += " Centralised root session (sts:AssumeRoot)."
	}
	a := alert.Alert{
		ID:          alertID(ms[0].Rule, joinIDs(ms)),
		Rule:        ms[0].Rule,
		Kind:        alert.KindEvent,
		Severity:    sev,
		Title:       title,
		Summary:     summary,
		Created:     now.UTC(),
		Account:     first.Account,
		Region:      first.Region,
		EventName:   first.Name,
		EventSource: first.Source,
		EventTime:   first.Time,
		SourceIP:    first.SourceIP,
		UserAgent:   first.UserAgent,
		Identity:    first.Identity,
		ErrorCode:   first.ErrorCode,
		MFAUsed:     first.MFAUsed,
		ConsoleURL:  first.ConsoleURL(),
		EventIDs:    ids,
		Events:      raws,
		EventCount:  len(ms),
		Details:     map[string]string{"events": strconv.Itoa(len(ms))},
	}
	if len(ms) > MaxRawEvents {
		a.Details["events_omitted"] = strconv.Itoa(len(ms) - MaxRawEvents)
	}
	if len(ms) > len(ids) {
		a.EventsOmitted = len(ms) - len(ids)
		a.ScanHint = ScanHint(firstT, lastT)
	}
	return a
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
