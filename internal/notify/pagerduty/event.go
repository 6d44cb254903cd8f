package pagerduty

import (
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/format"
)

// Events API v2 limits: summary 1024 characters, dedup_key 255, the
// whole payload 512 KB. The budgets below keep a 10,000-ID alert with a
// large event well inside the last.
const (
	MaxSummary    = 1024
	MaxDedupKey   = 255
	MaxPayload    = 512 << 10
	MaxEventIDs   = 1000      // about 40 KB
	maxFirstEvent = 256 << 10 // an event above this goes as (cut) text
)

// Event is an Events API v2 alert event.
type Event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"` // trigger, acknowledge, resolve
	DedupKey    string   `json:"dedup_key"`
	Payload     *Payload `json:"payload,omitempty"` // trigger only
	Client      string   `json:"client,omitempty"`
	ClientURL   string   `json:"client_url,omitempty"`
	Links       []Link   `json:"links,omitempty"`
}

// Payload describes what happened.
type Payload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"` // critical, error, warning, info
	Timestamp     string         `json:"timestamp,omitempty"`
	Component     string         `json:"component,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

// Link is a link shown on the PagerDuty alert.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// NewEvent maps a to an event. Alarm and audit alerts whose state went
// back to OK/PASS resolve, under a key shared by the rule and account, the
// incident that their failing transition opened under the same key.
func NewEvent(cfg Config, a alert.Alert) Event {
	ev := Event{
		RoutingKey:  cfg.RoutingKey.Reveal(),
		EventAction: "trigger",
		DedupKey:    DedupKey(a),
		Client:      "rootwatch",
		ClientURL:   cfg.ClientURL,
	}
	if resolves(a) {
		ev.EventAction = "resolve"
		return ev
	}
	source := cfg.Source
	if source == "" {
		source = "aws:" + format.AccountLabel(a)
	}
	p := &Payload{
		Summary:   format.Truncate(format.Subject(a, MaxSummary)+summaryTail(a), MaxSummary),
		Source:    format.Truncate(format.OneLine(source), 255),
		Severity:  severity(a.Severity),
		Component: format.Truncate(format.OneLine(a.EventSource), 255),
		Group:     format.Truncate(format.OneLine(a.Account), 255),
		Class:     format.Truncate(format.OneLine(a.Rule), 255),
		CustomDetails: map[string]any{
			"alert_id": a.ID,
			"rule":     a.Rule,
			"kind":     string(a.Kind),
			"account":  a.Account,
		},
	}
	// Events API payloads are limited to 512 KB (Events API v2 overview,
	// "Size Limits"); 10,000 event IDs alone are 400 KB.
	ids, more := format.CapList(a.EventIDs, MaxEventIDs)
	p.CustomDetails["event_ids"] = ids
	if more > 0 {
		p.CustomDetails["event_ids_not_listed"] = more
	}
	ts := a.EventTime
	if ts.IsZero() {
		ts = a.Created
	}
	if !ts.IsZero() {
		p.Timestamp = ts.UTC().Format(time.RFC3339)
	}
	for _, f := range format.Facts(a) {
		p.CustomDetails[f.Label] = f.Value
	}
	if len(a.Events) > 0 && len(a.Events[0]) <= maxFirstEvent {
		p.CustomDetails["first_event"] = a.Events[0]
	} else if len(a.Events) > 0 {
		p.CustomDetails["first_event"] = format.TruncateBytes(string(a.Events[0]), maxFirstEvent)
	}
	ev.Payload = p
	if link := format.ConsoleLink(a); link != "" {
		ev.Links = []Link{{Href: link, Text: "CloudTrail event in the AWS console"}}
	}
	return ev
}

func summaryTail(a alert.Alert) string {
	if ip := format.OneLine(a.SourceIP); ip != "" {
		return " from " + ip
	}
	return ""
}

// DedupKey is the alert ID, except for state alerts, which share one key
// per rule and account so OK resolves what ALARM triggered.
func DedupKey(a alert.Alert) string {
	k := a.ID
	if a.Kind == alert.KindAlarm || a.Kind == alert.KindAudit {
		k = "rootwatch/" + a.Rule + "/" + a.Account
	}
	if len(k) > MaxDedupKey {
		k = k[:MaxDedupKey]
	}
	return k
}

func resolves(a alert.Alert) bool {
	if a.Kind != alert.KindAlarm && a.Kind != alert.KindAudit {
		return false
	}
	return a.State == "OK" || a.State == "PASS"
}

func severity(s alert.Severity) string {
	switch s {
	case alert.SeverityCritical:
		return "critical"
	case alert.SeverityWarning:
		return "warning"
	case alert.SeverityInfo:
		return "info"
	}
	return "error" // unknown: loud enough to be looked at
}
