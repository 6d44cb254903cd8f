package scan

import (
	"encoding/json"
	"time"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// Finding is one root-user event found in the input.
type Finding struct {
	Time         time.Time `json:"time"`
	Account      string    `json:"account"`
	AccountAlias string    `json:"account_alias,omitempty"`
	Region       string    `json:"region"`
	EventName    string    `json:"event_name"`
	EventSource  string    `json:"event_source"`
	SourceIP     string    `json:"source_ip"`
	UserAgent    string    `json:"user_agent"`
	// Kind is "console-sign-in" or "api-call".
	Kind string `json:"kind"`
	// MFA is "yes", "no" or "" when the event does not say.
	MFA       string `json:"mfa"`
	Success   bool   `json:"success"`
	ErrorCode string `json:"error_code,omitempty"`
	// Access is "read", "write" or "" when the event does not say.
	Access string `json:"access"`
	// AssumeRoot marks a centralised-root session (sts:AssumeRoot).
	AssumeRoot bool   `json:"assume_root"`
	EventID    string `json:"event_id"`
	// CIS is true when the CIS 4.3 filter (or --pattern) matches; with
	// --all-root, root events it excludes have CIS false and Excluded set.
	CIS      bool   `json:"cis"`
	Excluded string `json:"excluded,omitempty"`
	// Where names the input (file, object, log group) and byte offset.
	Where string `json:"where"`
}

// Kinds of finding.
const (
	KindConsole = "console-sign-in"
	KindAPI     = "api-call"
)

// newFinding fills a Finding from a parsed record.
func newFinding(r *cloudtrail.Record, v cloudtrail.Verdict, matched bool, where string) Finding {
	f := Finding{
		Time:        r.EventTime,
		Account:     r.Account(),
		Region:      r.AWSRegion,
		EventName:   r.EventName,
		EventSource: r.EventSource,
		SourceIP:    r.SourceIPAddress,
		UserAgent:   r.UserAgent,
		Kind:        KindAPI,
		Success:     !r.Failed(),
		ErrorCode:   r.ErrorCode,
		AssumeRoot:  r.UserIdentity.AssumedRoot,
		EventID:     r.EventID,
		CIS:         matched,
		Where:       where,
	}
	if !matched {
		f.Excluded = string(v.Exclusion)
	}
	if f.ErrorCode == "" && r.ConsoleLogin == "Failure" {
		// A failed console or external-IdP sign-in has no errorCode.
		f.ErrorCode = "Failure"
	}
	if r.IsConsoleSignIn() {
		f.Kind = KindConsole
		f.MFA = yesNo(r.MFAUsed)
	} else {
		f.MFA = yesNo(r.UserIdentity.MFAAuthenticated)
	}
	if r.ReadOnly != nil {
		f.Access = "write"
		if *r.ReadOnly {
			f.Access = "read"
		}
	}
	return f
}

func yesNo(s string) string {
	switch s {
	case "Yes", "yes", "true":
		return "yes"
	case "No", "no", "false":
		return "no"
	}
	return ""
}

// MarshalJSON writes a missing or unreadable eventTime as null, not as
// Go's zero time (0001-01-01T00:00:00Z), which reads like a real date.
func (f Finding) MarshalJSON() ([]byte, error) {
	type plain Finding // no methods: no recursion
	var t *time.Time
	if !f.Time.IsZero() {
		u := f.Time.UTC()
		t = &u
	}
	return json.Marshal(struct {
		Time *time.Time `json:"time"`
		plain
	}{t, plain(f)})
}
