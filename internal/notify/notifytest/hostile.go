package notifytest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// Injections are the attacks HostileAlert carries, each in a value an
// attacker controls (a CloudTrail field, an alias they chose). A notifier
// must deliver them as text: no link, no emphasis, no mention, no line
// that passes for a field or a header.
var Injections = struct {
	MarkdownLink, Bold, SlackLink, SlackMention, HeaderLine, FieldLine, OSC8, Bidi string
}{
	MarkdownLink: "[Reset MFA](https://evil.example/reset)",
	Bold:         "**URGENT**",
	SlackLink:    "<https://evil.example/reset|Reset MFA>",
	SlackMention: "<!channel>",
	HeaderLine:   "\r\nBcc: victim@example.com",
	FieldLine:    "\nMFA used: Yes",
	OSC8:         "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
	Bidi:         "\u202eexe.txt",
}

// HostileAlert is Alert with attacker text in every value it controls.
func HostileAlert() alert.Alert {
	in := Injections
	a := Alert()
	a.Title = "Root user signed in " + in.Bold + " " + in.MarkdownLink
	a.Summary = "Root sign-in." + in.FieldLine + " " + in.SlackMention + " " + in.SlackLink
	a.AccountAlias = "prod" + in.HeaderLine + " _it_ ~s~ `code` " + in.Bidi
	a.EventName = "ConsoleLogin" + in.FieldLine
	a.SourceIP = "203.0.113.7" + in.HeaderLine
	a.UserAgent = in.MarkdownLink + " " + in.Bold + " " + in.SlackLink + " &amp; " + in.OSC8 + " https://evil.example/auto"
	a.Identity = "arn:aws:iam::123456789012:root" + in.FieldLine
	a.Details = map[string]string{"note" + in.FieldLine: "```" + in.SlackMention + "```"}
	ev, _ := json.Marshal(map[string]any{
		"eventName":       a.EventName,
		"userAgent":       a.UserAgent + " ``` " + in.Bidi,
		"sourceIPAddress": a.SourceIP,
	})
	a.Events = []json.RawMessage{ev}
	return a
}

// LargeAlert is Alert at the sizes a root session can reach: a
// 100-character event name, a 63-character multi-byte alias, ids event
// IDs, and the first ten of those events, each with a long user agent.
func LargeAlert(ids int) alert.Alert {
	a := Alert()
	a.EventName = strings.Repeat("DescribeSomethingVeryLong", 4)
	a.AccountAlias = strings.Repeat("ü", 63)
	a.AccountName = strings.Repeat("Zahlungsverkehr-Konto-Ost-", 10)
	a.UserAgent = strings.Repeat("Mozilla/5.0 (日本語) ", 60)
	a.Summary = strings.Repeat("The root user of "+a.AccountAlias+" signed in. ", 40)
	a.EventIDs, a.Events = nil, nil
	for i := range ids {
		id := fmt.Sprintf("3b5a2f4e-1111-4000-8000-%012d", i)
		a.EventIDs = append(a.EventIDs, id)
		if i >= 10 {
			continue
		}
		ev, _ := json.Marshal(map[string]any{"eventID": id, "eventName": a.EventName, "userAgent": a.UserAgent})
		a.Events = append(a.Events, ev)
	}
	return a
}
