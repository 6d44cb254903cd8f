package detect

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// MaxBatchMatches bounds the matches one batch (a file, a message, a
// request) turns into alerts one by one: deduplication, sessions and
// alerts cost work and store rows per event, and one forged request can
// hold hundreds of thousands. The matches beyond it are counted per rule
// in an overflow alert that says how to list them; none is dropped
// silently.
const MaxBatchMatches = 1000

// ScanHint is the command that lists every event of a time window.
func ScanHint(first, last time.Time) string {
	return fmt.Sprintf("rootwatch scan --since %s --until %s SOURCE",
		first.UTC().Format(time.RFC3339), last.UTC().Add(time.Second).Truncate(time.Second).Format(time.RFC3339))
}

// addOmitted counts n events a follow-up alert covers without keeping
// them (a session's pending events beyond MaxAlertEventIDs).
func addOmitted(a *alert.Alert, n int, first, last time.Time) {
	if n == 0 {
		return
	}
	a.EventCount += n
	a.EventsOmitted += n
	a.ScanHint = ScanHint(first, last)
	a.Details["events"] = strconv.Itoa(a.EventCount)
}

// Collector gathers one batch's matches: the first Max in full, the rest
// counted per rule (Overflow alerts). The zero value keeps
// MaxBatchMatches.
type Collector struct {
	Max  int
	kept []Match
	over map[string]*overflow
}

type overflow struct {
	first       Match // the first match counted, without its record
	count       int
	from, until time.Time
	sev         alert.Severity
	accounts    map[string]bool
}

// maxOverflowAccounts bounds the accounts an overflow alert names.
const maxOverflowAccounts = 10

// Add keeps m, or counts it once the batch holds Max.
func (c *Collector) Add(m Match) {
	if len(c.kept) < c.max() {
		c.kept = append(c.kept, m)
		return
	}
	if c.over == nil {
		c.over = map[string]*overflow{}
	}
	o := c.over[m.Rule]
	if o == nil {
		m.Event.Raw = nil
		o = &overflow{first: m, from: m.Event.Time, until: m.Event.Time, accounts: map[string]bool{}}
		c.over[m.Rule] = o
	}
	o.count++
	o.sev = max2(o.sev, m.Severity)
	if m.Event.Time.Before(o.from) {
		o.from = m.Event.Time
	}
	if m.Event.Time.After(o.until) {
		o.until = m.Event.Time
	}
	if len(o.accounts) < maxOverflowAccounts {
		o.accounts[m.Event.Account] = true
	}
}

func max2(a, b alert.Severity) alert.Severity {
	if b > a {
		return b
	}
	return a
}

// Matches are the matches kept in full.
func (c *Collector) Matches() []Match { return c.kept }

// Overflowed is how many matches were counted, not kept.
func (c *Collector) Overflowed() int {
	n := 0
	for _, o := range c.over {
		n += o.count
	}
	return n
}

// Overflow returns one alert per rule for the matches counted beyond Max:
// how many, the time window, the accounts, and the scan command that
// lists them. batch names the input for the reader; the ID depends only
// on the facts, so the same input read again gives the same alert.
func (c *Collector) Overflow(batch string, now time.Time) []alert.Alert {
	rules := make([]string, 0, len(c.over))
	for r := range c.over {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	out := make([]alert.Alert, 0, len(rules))
	for _, r := range rules {
		o := c.over[r]
		accts := make([]string, 0, len(o.accounts))
		for a := range o.accounts {
			accts = append(accts, a)
		}
		sort.Strings(accts)
		ev := o.first.Event
		a := alert.Alert{
			ID:       alertID(r, "overflow", ev.ID, strconv.Itoa(o.count), o.from.String(), o.until.String()),
			Rule:     r,
			Kind:     alert.KindEvent,
			Severity: o.sev,
			Title:    fmt.Sprintf("%s: %d more events in one batch in %s", o.first.Title, o.count, ev.Account),
			Summary: fmt.Sprintf("%s held more than %d matching events; %d more matched %s between %s and %s "+
				"(accounts %v) and are counted here, not alerted one by one. List them with: %s",
				batch, c.max(), o.count, r, o.from.UTC().Format(time.RFC3339), o.until.UTC().Format(time.RFC3339),
				accts, ScanHint(o.from, o.until)),
			Created:       now.UTC(),
			Account:       ev.Account,
			Region:        ev.Region,
			EventName:     ev.Name,
			EventSource:   ev.Source,
			EventTime:     ev.Time,
			SourceIP:      ev.SourceIP,
			Identity:      ev.Identity,
			EventIDs:      []string{ev.ID},
			EventCount:    o.count,
			EventsOmitted: o.count - 1,
			ScanHint:      ScanHint(o.from, o.until),
			Details:       map[string]string{"events": strconv.Itoa(o.count), "overflow": "true"},
		}
		out = append(out, a)
	}
	return out
}

func (c *Collector) max() int {
	if c.Max <= 0 {
		return MaxBatchMatches
	}
	return c.Max
}
