package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// Event is the part of a CloudTrail record that detection groups, routes
// and reports on. Raw keeps the record exactly as it arrived so the alert
// can carry it.
type Event struct {
	ID           string
	Name         string
	Source       string
	Type         string // eventType: AwsApiCall, AwsConsoleSignIn, AwsServiceEvent, ...
	Time         time.Time
	Account      string
	Region       string
	SourceIP     string
	UserAgent    string
	IdentityType string
	Identity     string // principal ARN, else the identity type
	ErrorCode    string
	MFAUsed      string
	// AssumedRoot marks a centralised-root session (sts:AssumeRoot).
	AssumedRoot bool
	Raw         json.RawMessage
}

// ParseEvent decodes the fields detection needs from one CloudTrail
// record, with the same decoder scan uses.
func ParseEvent(raw []byte) (Event, error) {
	r, err := cloudtrail.ParseRecord(raw)
	if err != nil {
		return Event{}, err
	}
	e := Event{
		ID:           r.EventID,
		Name:         r.EventName,
		Source:       r.EventSource,
		Type:         r.EventType,
		Time:         r.EventTime,
		Account:      r.Account(),
		Region:       r.AWSRegion,
		SourceIP:     r.SourceIPAddress,
		UserAgent:    r.UserAgent,
		IdentityType: r.UserIdentity.Type,
		Identity:     r.UserIdentity.ARN,
		ErrorCode:    r.ErrorCode,
		MFAUsed:      r.MFAUsed,
		AssumedRoot:  r.UserIdentity.AssumedRoot,
		Raw:          append(json.RawMessage(nil), raw...),
	}
	if e.ErrorCode == "" && r.ConsoleLogin == "Failure" {
		e.ErrorCode = "ConsoleLoginFailure"
	}
	if e.Identity == "" {
		e.Identity = r.UserIdentity.Type
	}
	if e.ID == "" {
		// Records without an ID (hand-made, some SIEM exports) still need a
		// stable dedup key: the content itself.
		sum := sha256.Sum256(raw)
		e.ID = "sha256:" + hex.EncodeToString(sum[:16])
	}
	return e, nil
}

// ConsoleURL links to the event in the CloudTrail console's event history.
func (e Event) ConsoleURL() string {
	if e.Region == "" || e.ID == "" {
		return ""
	}
	return fmt.Sprintf("https://%s.console.aws.amazon.com/cloudtrail/home?region=%s#/events/%s",
		e.Region, e.Region, url.PathEscape(e.ID))
}
