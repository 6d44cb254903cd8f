package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/safetext"
)

// Fact is one labelled detail of an alert, in display order. Card-style
// notifiers (Slack fields, Teams FactSet) render these; Body lists them.
type Fact struct {
	Label, Value string
}

// Facts lists the alert's details that are set, most useful first. Each
// label and value is one clean line (OneLine): a value never starts a line
// of its own, so it cannot pass for another field in a body or card.
func Facts(a alert.Alert) []Fact {
	var fs []Fact
	add := func(label, value string) {
		if value = OneLine(value); value != "" {
			fs = append(fs, Fact{OneLine(label), value})
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

// MaxBodyEventIDs is how many event IDs a body lists before it counts the
// rest: 1,000 IDs are about 39 KB, well inside SNS's 256 KiB with the
// events, while an uncapped alert of 10,000 would not fit at all.
const MaxBodyEventIDs = 1000

// Body renders the plain-text message: headline, summary, facts, console
// link, the event IDs (the first MaxBodyEventIDs, then a count) and the
// full events as indented JSON, so the message alone is enough to
// investigate. Every value is cleaned of control characters and escape
// sequences, and starts no line of its own: attacker text (an alias, a
// user agent) cannot forge a field or a header-looking line.
func Body(a alert.Alert) string {
	var b strings.Builder
	b.WriteString(Headline(a))
	b.WriteString("\n\n")
	if s := OneLine(a.Summary); s != "" {
		b.WriteString(s)
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
	if link := OneLine(ConsoleLink(a)); link != "" {
		fmt.Fprintf(&b, "\nConsole: %s\n", link)
	}
	if len(a.EventIDs) > 0 {
		b.WriteString("\nCloudTrail event IDs:\n")
		ids, more := CapList(a.EventIDs, MaxBodyEventIDs)
		for _, id := range ids {
			b.WriteString("  ")
			b.WriteString(OneLine(id))
			b.WriteByte('\n')
		}
		if more > 0 {
			fmt.Fprintf(&b, "  and %d more\n", more)
		}
	}
	for i, ev := range a.Events {
		fmt.Fprintf(&b, "\nEvent %d of %d:\n", i+1, len(a.Events))
		b.WriteString(IndentJSON(ev))
		b.WriteByte('\n')
	}
	return b.String()
}

// CapList returns the first max items and how many it left out.
func CapList(items []string, max int) ([]string, int) {
	if len(items) <= max {
		return items, 0
	}
	return items[:max], len(items) - max
}

// IndentJSON pretty-prints an event. One that is not valid JSON is shown
// as it came (hiding it would hide evidence) but indented, so none of its
// lines can pass for a field of the message. Each line is cleaned of
// control characters, escape sequences and bidi controls (valid JSON
// escapes the first two, but not the third).
func IndentJSON(raw json.RawMessage) string {
	var out bytes.Buffer
	prefix := ""
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		out.Reset()
		out.Write(raw)
		prefix = "  "
	}
	lines := strings.Split(strings.ReplaceAll(out.String(), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + strings.TrimRight(safetext.Terminal(l), " ")
	}
	return strings.Join(lines, "\n")
}
