// Package cloudtrail holds the CloudTrail record as rootwatch routes and
// reports it, the streaming decoders for every shape CloudTrail data comes
// in, and the CIS 4.3 classification of a record. It is a leaf: standard
// library only.
package cloudtrail

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Record is one CloudTrail event: the raw JSON exactly as delivered plus
// the few fields rootwatch routes and reports on. Fields absent from the
// event are empty strings; Present tells absent from empty where the CIS
// semantics depend on it.
type Record struct {
	Raw []byte `json:"-"`

	EventVersion       string
	EventID            string
	EventTime          time.Time // zero when the record has no (valid) eventTime
	EventSource        string
	EventName          string
	EventType          string
	EventCategory      string
	AWSRegion          string
	SourceIPAddress    string
	UserAgent          string
	ErrorCode          string
	ErrorMessage       string
	RecipientAccountID string
	ReadOnly           *bool // nil when the record does not say
	ManagementEvent    *bool
	UserIdentity       UserIdentity

	// ConsoleLogin is the result of a sign-in event ("Success" or
	// "Failure"): responseElements.ConsoleLogin, or for a sign-in through
	// an external identity provider responseElements.ExternalIdPDirectoryLogin.
	ConsoleLogin string
	// MFAUsed is additionalEventData.MFAUsed of a sign-in event ("Yes"/"No").
	MFAUsed string

	// Present records which optional fields exist at all (even as null).
	Present Presence
}

// Presence says which optional fields exist in the record, null or not:
// the CIS pattern's "NOT EXISTS" and "!=" depend on existence, not value.
type Presence struct {
	EventType bool
	InvokedBy bool
}

// UserIdentity is the userIdentity element.
type UserIdentity struct {
	Type        string
	PrincipalID string
	ARN         string
	AccountID   string
	AccessKeyID string
	UserName    string
	InvokedBy   string
	// MFAAuthenticated is sessionContext.attributes.mfaAuthenticated.
	MFAAuthenticated string
	// AssumedRoot is true for a centralised-root session opened with
	// sts:AssumeRoot from the organization's management account.
	AssumedRoot bool
}

// Account is the account the event belongs to: recipientAccountId, or the
// caller's account when the record lacks it.
func (r *Record) Account() string {
	if r.RecipientAccountID != "" {
		return r.RecipientAccountID
	}
	return r.UserIdentity.AccountID
}

// IsConsoleSignIn reports whether the record is a console sign-in event
// rather than an API call.
func (r *Record) IsConsoleSignIn() bool {
	return r.EventType == "AwsConsoleSignIn" || (r.EventSource == "signin.amazonaws.com" &&
		(r.EventName == "ConsoleLogin" || r.EventName == "ExternalIdPDirectoryLogin"))
}

// Failed reports whether the call or sign-in failed (a console or
// external-identity-provider sign-in whose response says Failure).
func (r *Record) Failed() bool {
	return r.ErrorCode != "" || r.ConsoleLogin == "Failure"
}

// wire mirrors the JSON of a record for encoding/json. Only candidates
// (records the byte prefilter could not rule out) are decoded this way.
type wire struct {
	EventVersion       string          `json:"eventVersion"`
	EventID            string          `json:"eventID"`
	EventTime          string          `json:"eventTime"`
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	EventType          optString       `json:"eventType"`
	EventCategory      string          `json:"eventCategory"`
	AWSRegion          string          `json:"awsRegion"`
	SourceIPAddress    string          `json:"sourceIPAddress"`
	UserAgent          string          `json:"userAgent"`
	ErrorCode          string          `json:"errorCode"`
	ErrorMessage       string          `json:"errorMessage"`
	RecipientAccountID string          `json:"recipientAccountId"`
	ReadOnly           flexBool        `json:"readOnly"`
	ManagementEvent    flexBool        `json:"managementEvent"`
	UserIdentity       *wireIdentity   `json:"userIdentity"`
	ResponseElements   json.RawMessage `json:"responseElements"`
	AdditionalData     json.RawMessage `json:"additionalEventData"`
}

type wireIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId"`
	ARN            string          `json:"arn"`
	AccountID      string          `json:"accountId"`
	AccessKeyID    string          `json:"accessKeyId"`
	UserName       string          `json:"userName"`
	InvokedBy      json.RawMessage `json:"invokedBy"`
	SessionContext *struct {
		Attributes struct {
			MFAAuthenticated flexString `json:"mfaAuthenticated"`
		} `json:"attributes"`
		AssumedRoot flexString `json:"assumedRoot"`
	} `json:"sessionContext"`
}

// flexBool accepts true, "true", null: CloudTrail wrote readOnly as a
// string in older event versions.
type flexBool struct{ v *bool }

func (f *flexBool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	switch s {
	case "true":
		t := true
		f.v = &t
	case "false":
		t := false
		f.v = &t
	}
	return nil
}

// optString remembers whether the field was present at all, null included.
type optString struct {
	s   string
	set bool
}

func (o *optString) UnmarshalJSON(b []byte) error {
	o.set = true
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &o.s)
	}
	return nil
}

// flexString accepts a string or a bare boolean.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) != "null" {
		*f = flexString(b)
	}
	return nil
}

// ParseRecord decodes the typed fields of one raw CloudTrail record. Raw
// keeps raw itself (not a copy): copy it first if the buffer is reused.
func ParseRecord(raw []byte) (Record, error) {
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		// A field of an unexpected type (an eventTime that is a number)
		// leaves that field empty; encoding/json fills the rest. Dropping
		// the whole record instead would hide a root event the filter
		// pattern, which only looks at the fields it names, matches.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return Record{}, fmt.Errorf("decode CloudTrail record: %w", err)
		}
	}
	r := Record{
		Raw:                raw,
		EventVersion:       w.EventVersion,
		EventID:            w.EventID,
		EventSource:        w.EventSource,
		EventName:          w.EventName,
		EventCategory:      w.EventCategory,
		AWSRegion:          w.AWSRegion,
		SourceIPAddress:    w.SourceIPAddress,
		UserAgent:          w.UserAgent,
		ErrorCode:          w.ErrorCode,
		ErrorMessage:       w.ErrorMessage,
		RecipientAccountID: w.RecipientAccountID,
		ReadOnly:           w.ReadOnly.v,
		ManagementEvent:    w.ManagementEvent.v,
	}
	r.EventType, r.Present.EventType = w.EventType.s, w.EventType.set
	if w.EventTime != "" {
		if t, err := time.Parse(time.RFC3339, w.EventTime); err == nil {
			r.EventTime = t.UTC()
		}
	}
	if id := w.UserIdentity; id != nil {
		r.UserIdentity = UserIdentity{
			Type:        id.Type,
			PrincipalID: id.PrincipalID,
			ARN:         id.ARN,
			AccountID:   id.AccountID,
			AccessKeyID: id.AccessKeyID,
			UserName:    id.UserName,
		}
		if id.InvokedBy != nil {
			r.Present.InvokedBy = true
			var s string
			if json.Unmarshal(id.InvokedBy, &s) == nil {
				r.UserIdentity.InvokedBy = s
			}
		}
		if sc := id.SessionContext; sc != nil {
			r.UserIdentity.MFAAuthenticated = string(sc.Attributes.MFAAuthenticated)
			r.UserIdentity.AssumedRoot = sc.AssumedRoot == "true"
		}
	}
	if len(w.ResponseElements) > 0 && w.ResponseElements[0] == '{' {
		var re struct {
			ConsoleLogin     string `json:"ConsoleLogin"`
			ExternalIdPLogin string `json:"ExternalIdPDirectoryLogin"`
		}
		_ = json.Unmarshal(w.ResponseElements, &re) // a field of another type stays empty
		r.ConsoleLogin = cmp.Or(re.ConsoleLogin, re.ExternalIdPLogin)
	}
	if len(w.AdditionalData) > 0 && w.AdditionalData[0] == '{' {
		var ad struct {
			MFAUsed string `json:"MFAUsed"`
		}
		if json.Unmarshal(w.AdditionalData, &ad) == nil {
			r.MFAUsed = ad.MFAUsed
		}
	}
	return r, nil
}
