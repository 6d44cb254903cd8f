// Package detect turns CloudTrail records into alerts: the rules (CIS 4.3
// root usage, monitoring-chain tamper) evaluated by the filter-pattern
// engine, and the two alert modes — event (one alert per session, grouped
// and deduplicated) and alarm (CloudWatch alarm semantics). It is pure: no
// I/O, the clock is passed in, and state lives in values the caller
// persists (the watch service in its store, Lambda in memory), so the same
// code decides the same way everywhere.
package detect

import (
	"fmt"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// Match is one record matched by one rule.
type Match struct {
	Rule     string
	Title    string
	Severity alert.Severity
	Event    Event
}

// Detector evaluates a fixed rule set. It is immutable and safe for
// concurrent use.
type Detector struct {
	rules []Rule
}

// Compiler turns a filter pattern into a Matcher; nil means the engine
// (filterpattern.Compile).
type Compiler func(pattern string) (Matcher, error)

// New compiles rules (DefaultRules when none are given).
func New(compile Compiler, rules ...Rule) (*Detector, error) {
	if compile == nil {
		compile = compileEngine
	}
	if len(rules) == 0 {
		rules = DefaultRules()
	}
	d := &Detector{}
	for _, r := range rules {
		m, err := compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("rule %s: compile pattern: %w", r.Name, err)
		}
		r.matcher = m
		d.rules = append(d.rules, r)
	}
	return d, nil
}

// Rules returns the compiled rules.
func (d *Detector) Rules() []Rule { return append([]Rule(nil), d.rules...) }

// Detect evaluates every rule on one record. Non-matching records (nearly
// all of them) cost one engine pass per rule and no decoding; a matching
// record is decoded once. A record that holds what a rule looks for but
// is not well-formed JSON is a *cloudtrail.MalformedRecordError (wrapping
// cloudtrail.ErrMalformedRecord): the caller reports it, since skipping
// it would let one broken escape hide a root event.
func (d *Detector) Detect(raw []byte) ([]Match, error) {
	var (
		out []Match
		ev  Event
		got bool
	)
	for i := range d.rules {
		r := &d.rules[i]
		matched, judged := r.matcher.Judge(raw)
		if !judged {
			return nil, cloudtrail.Malformed(raw)
		}
		if !matched {
			continue
		}
		if !got {
			e, err := ParseEvent(raw)
			if err != nil {
				return nil, err
			}
			ev, got = e, true
		}
		out = append(out, Match{Rule: r.Name, Title: r.Title, Severity: r.severity(ev), Event: ev})
	}
	return out, nil
}
