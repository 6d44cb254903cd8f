// Package alert defines the alert value that detection produces and
// notifiers deliver. It is a leaf: standard library only.
package alert

import (
	"encoding/json"
	"time"
)

// Severity orders alerts for routing and notification levels.
type Severity int

const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityCritical
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityCritical:
		return "critical"
	}
	return "unknown"
}

// Kind says what produced the alert.
type Kind string

const (
	KindEvent Kind = "event" // one alert per root session (grouped CloudTrail events)
	KindAlarm Kind = "alarm" // a CloudWatch-alarm-style state transition
	KindAudit Kind = "audit" // the monitoring chain broke or healed
	KindTest  Kind = "test"  // rootwatch notify test
	KindInput Kind = "input" // an input watch could not read (a blind spot)
)

// Rule names of the built-in detections.
const (
	RuleRootUsage = "cis-4.3-root-usage"
	RuleTamper    = "monitoring-tamper"
	RuleAudit     = "cis-4.3-audit"
	// RuleInputUnreadable: a file (or other input) watch cannot read, so
	// whatever root activity it holds is unseen.
	RuleInputUnreadable = "input-unreadable"
)

// Alert is one notification's worth of information. ID is stable for the
// same underlying facts, so receivers can deduplicate redeliveries (the
// outbox delivers at least once).
type Alert struct {
	ID       string    `json:"id"`
	Rule     string    `json:"rule"`
	Kind     Kind      `json:"kind"`
	Severity Severity  `json:"-"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	Created  time.Time `json:"created"`

	Account      string `json:"account"`
	AccountAlias string `json:"account_alias,omitempty"`
	AccountName  string `json:"account_name,omitempty"`
	Region       string `json:"region,omitempty"`

	// The (first) CloudTrail event the alert is about.
	EventName   string    `json:"event_name,omitempty"`
	EventSource string    `json:"event_source,omitempty"`
	EventTime   time.Time `json:"event_time,omitempty"`
	SourceIP    string    `json:"source_ip,omitempty"`
	UserAgent   string    `json:"user_agent,omitempty"`
	Identity    string    `json:"identity,omitempty"` // principal ARN or type
	ErrorCode   string    `json:"error_code,omitempty"`
	MFAUsed     string    `json:"mfa_used,omitempty"`
	ConsoleURL  string    `json:"console_url,omitempty"`

	// The CloudTrail events the alert covers, so a receiver can prove
	// nothing was lost: EventIDs lists them, up to a cap (detect's
	// MaxAlertEventIDs); EventCount is how many the alert covers in all
	// and EventsOmitted how many of those EventIDs does not list, which
	// ScanHint (a `rootwatch scan` command over the events' time window)
	// finds. EventCount 0 means an alert from before the cap: EventIDs is
	// complete.
	EventIDs      []string          `json:"event_ids,omitempty"`
	Events        []json.RawMessage `json:"events,omitempty"`
	EventCount    int               `json:"event_count,omitempty"`
	EventsOmitted int               `json:"events_omitted,omitempty"`
	ScanHint      string            `json:"scan_hint,omitempty"`

	// Alarm-mode state transition ("ALARM", "OK"); empty otherwise.
	State         string `json:"state,omitempty"`
	PreviousState string `json:"previous_state,omitempty"`

	// Free-form facts for audit alerts and the like.
	Details map[string]string `json:"details,omitempty"`
}

// MarshalJSON writes the severity by name.
func (a Alert) MarshalJSON() ([]byte, error) {
	type plain Alert
	return json.Marshal(struct {
		plain
		Severity string `json:"severity"`
	}{plain(a), a.Severity.String()})
}

// UnmarshalJSON reads what MarshalJSON writes (the outbox stores alerts as JSON).
func (a *Alert) UnmarshalJSON(b []byte) error {
	type plain Alert
	var v struct {
		plain
		Severity string `json:"severity"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = Alert(v.plain)
	a.Severity = ParseSeverity(v.Severity)
	return nil
}

// ParseSeverity is the inverse of Severity.String; unknown names are 0.
func ParseSeverity(s string) Severity {
	switch s {
	case "info":
		return SeverityInfo
	case "warning":
		return SeverityWarning
	case "critical":
		return SeverityCritical
	}
	return 0
}
