package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// Fact is one labelled detail of an alert, in display order. Card-style
// notifiers (Slack fields, Teams FactSet) render these; Body lists them.
type Fact struct {
	Label, Value string
}

// Facts lists the alert's details that are set, most useful first.
func Facts(a alert.Alert) []Fact {
	var fs []Fact
	add := func(label, value string) {
		if value != "" {
			fs = append(fs, Fact{label, value})
		}
	}
	add("Account", AccountLabel(a))
	if a.AccountName != "" && a.AccountName != AccountAlias(a) {
		add("Account name", a.AccountName)
	}
	add("Event", a.EventName)
	add("Event source", a.EventSource)
	if !a.EventTime.IsZero() {
		add("Event time", a.EventTime.UTC().Format(time.RFC3339))
	}
	add("Region", a.Region)
	add("Source IP", a.SourceIP)
	add("Identity", a.Identity)
	add("MFA used", a.MFAUsed)
	add("Error code", a.ErrorCode)
	add("User agent", a.UserAgent)
	if a.State != "" {
		state := a.State
		if a.PreviousState != "" {
			state = a.PreviousState + " → " + a.State
		}
		add("State", state)
	}
	add("Severity", a.Severity.String())
	add("Rule", a.Rule)
	if n := len(a.EventIDs); n > 0 {
		add("Events", fmt.Sprintf("%d", n))
	}
	add("Alert ID", a.ID)
	keys := make([]string, 0, len(a.Details))
	for k := range a.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(k, a.Details[k])
	}
	return fs
}

// Headline is the first line of a body: the title, else the subject.
func Headline(a alert.Alert) string {
	if a.Title != "" {
		return OneLine(a.Title)
	}
	return Subject(a, 200)
}

// Body renders the plain-text message: headline, summary, facts, console
// link, every event ID and the full events as indented JSON, so the
// message alone is enough to investigate.
func Body(a alert.Alert) string {
	var b strings.Builder
	b.WriteString(Headline(a))
	b.WriteString("\n\n")
	if a.Summary != "" {
		b.WriteString(a.Summary)
		b.WriteString("\n\n")
	}
	facts := Facts(a)
	width := 0
	for _, f := range facts {
		width = max(width, runes(f.Label))
	}
	for _, f := range facts {
		fmt.Fprintf(&b, "%s:%s %s\n", f.Label, strings.Repeat(" ", width-runes(f.Label)), f.Value)
	}
	if link := ConsoleLink(a); link != "" {
		fmt.Fprintf(&b, "\nConsole: %s\n", link)
	}
	if len(a.EventIDs) > 0 {
		b.WriteString("\nCloudTrail event IDs:\n")
		for _, id := range a.EventIDs {
			b.WriteString("  ")
			b.WriteString(id)
			b.WriteByte('\n')
		}
	}
	for i, ev := range a.Events {
		fmt.Fprintf(&b, "\nEvent %d of %d:\n", i+1, len(a.Events))
		b.WriteString(indentJSON(ev))
		b.WriteByte('\n')
	}
	return b.String()
}

// indentJSON pretty-prints an event; one that is not valid JSON is shown
// as it came, because hiding it would hide evidence.
func indentJSON(raw json.RawMessage) string {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return string(raw)
	}
	return out.String()
}
