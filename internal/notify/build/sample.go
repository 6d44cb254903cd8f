package build

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// SampleAlert is what `rootwatch notify test` sends: shaped like a root
// console sign-in so every field of every format is exercised, but marked
// as a test in its kind, rule, title and event so nobody mistakes it.
func SampleAlert(now time.Time) alert.Alert {
	now = now.UTC().Truncate(time.Second)
	id := fmt.Sprintf("rw-test-%d", now.Unix())
	eventID := fmt.Sprintf("00000000-0000-4000-8000-%012d", now.Unix()%1_000_000_000_000)
	event, _ := json.Marshal(map[string]any{
		"eventVersion":        "1.08",
		"userIdentity":        map[string]any{"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root", "accountId": "123456789012"},
		"eventTime":           now.Format(time.RFC3339),
		"eventSource":         "signin.amazonaws.com",
		"eventName":           "ConsoleLogin",
		"awsRegion":           "us-east-1",
		"sourceIPAddress":     "192.0.2.1",
		"userAgent":           "rootwatch notify test",
		"responseElements":    map[string]string{"ConsoleLogin": "Success"},
		"additionalEventData": map[string]string{"MFAUsed": "Yes"},
		"eventID":             eventID,
		"eventType":           "AwsConsoleSignIn",
		"recipientAccountId":  "123456789012",
		"rootwatchTest":       true,
	})
	return alert.Alert{
		ID:           id,
		Rule:         "rootwatch-test",
		Kind:         alert.KindTest,
		Severity:     alert.SeverityInfo,
		Title:        "rootwatch test alert (no action needed)",
		Summary:      "This is a test sent by `rootwatch notify test` to check that this notifier works. No root activity happened.",
		Created:      now,
		Account:      "123456789012",
		AccountAlias: "example-account",
		Region:       "us-east-1",
		EventName:    "ConsoleLogin",
		EventSource:  "signin.amazonaws.com",
		EventTime:    now,
		SourceIP:     "192.0.2.1",
		UserAgent:    "rootwatch notify test",
		Identity:     "arn:aws:iam::123456789012:root",
		MFAUsed:      "Yes",
		EventIDs:     []string{eventID},
		Events:       []json.RawMessage{event},
	}
}
