package filterpattern

import (
	"errors"
	"fmt"
	"regexp"
)

// Matcher evaluates one compiled filter pattern against log event messages.
// It is immutable after construction and safe for concurrent use by any
// number of goroutines; Match allocates nothing on events that do not match.
type Matcher struct {
	pat  *Pattern
	opts options

	terms *termMatcher
	re    *regexp.Regexp
	json  *jsonExpr
	delim *delimMatcher

	// pre is a necessary condition checked with byte searches before any
	// decoding; it never rejects an event the full evaluation would accept.
	pre prefilter
}

// Option adjusts how a pattern is compiled.
type Option func(*options)

type options struct {
	// literalInnerStar makes a '*' that is neither the first nor the last
	// character of a string value match a literal asterisk, as the 2018-2020
	// user guide described. Off by default: a 2026 run of
	// test-metric-filter (azul#8228, spec §4.5) shows AWS treating it as a
	// wildcard.
	literalInnerStar bool
}

// WithLiteralInnerWildcard(true) restores the old documented reading in
// which only a leading or trailing '*' of a value is a wildcard.
func WithLiteralInnerWildcard(on bool) Option {
	return func(o *options) { o.literalInnerStar = on }
}

// Compile parses src and compiles it into a Matcher.
func Compile(src string, opts ...Option) (*Matcher, error) {
	p, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return NewMatcher(p, opts...)
}

// MustCompile is Compile for patterns known to be valid, such as constants;
// it panics on an invalid pattern.
func MustCompile(src string, opts ...Option) *Matcher {
	m, err := Compile(src, opts...)
	if err != nil {
		panic(fmt.Sprintf("filterpattern: Compile(%q): %v", src, err))
	}
	return m
}

// NewMatcher compiles an already parsed pattern. p must not be modified
// afterwards.
func NewMatcher(p *Pattern, opts ...Option) (*Matcher, error) {
	if p == nil {
		return nil, errors.New("filterpattern: nil pattern")
	}
	m := &Matcher{pat: p}
	for _, o := range opts {
		o(&m.opts)
	}
	var err error
	switch p.Kind {
	case KindTerms:
		// No prefilter: the terms themselves are byte searches, so a
		// separate pass would only repeat the work.
		m.terms = compileTerms(p.Terms)
	case KindRegex:
		if p.Regex == nil {
			return nil, errors.New("filterpattern: regex pattern without a regex")
		}
		m.re, err = compileRegex(p.Regex)
	case KindJSON:
		if p.JSON == nil {
			return nil, errors.New("filterpattern: JSON pattern without an expression")
		}
		m.json, err = compileJSON(p.JSON, m.opts)
		if err == nil {
			m.pre = jsonPrefilter(m.json)
		}
	case KindDelimited:
		m.delim, err = compileDelimited(p.Delimited, m.opts)
	default:
		return nil, fmt.Errorf("filterpattern: unknown pattern kind %d", p.Kind)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Pattern returns the parsed pattern the matcher was built from.
func (m *Matcher) Pattern() *Pattern { return m.pat }

// Match reports whether the log event message matches the pattern, exactly
// as CloudWatch Logs would decide it.
func (m *Matcher) Match(event []byte) bool {
	matched, _ := m.Judge(event)
	return matched
}

// Judge is Match that also says whether the pattern could judge the event
// at all. A JSON pattern fails on an event that is not one well-formed
// JSON object (an invalid escape, a malformed number), as CloudWatch Logs
// does; judged is false for such an event when it holds the bytes the
// pattern looks for (its prefilter passed), since a reader of its fields
// cannot rule it out. A security tool must count those rather than call
// them clean: a hostile writer can break one escape to hide a record.
// Every other event, and every event of a non-JSON pattern, is judged.
func (m *Matcher) Judge(event []byte) (matched, judged bool) {
	if !m.pre.mayMatch(event) {
		return false, true
	}
	switch {
	case m.terms != nil:
		return m.terms.match(event), true
	case m.re != nil:
		return m.re.Match(event), true
	case m.json != nil:
		return m.json.judgeDocument(event)
	case m.delim != nil:
		return m.delim.match(event), true
	}
	return false, true
}
