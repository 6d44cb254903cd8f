package filterpattern

import (
	"errors"
	"fmt"
)

// Relation says how the sets of events two patterns match relate.
type Relation int

// The zero Relation is deliberately none of these, so that a Comparison
// nobody filled in never reads as Equivalent.
const (
	// Equivalent: a and b match exactly the same events.
	Equivalent Relation = iota + 1
	// Broader: a matches every event b matches, and more.
	Broader
	// Narrower: b matches every event a matches, and more.
	Narrower
	// Different: neither contains the other (or containment could not be
	// proven; see Comparison.Proven).
	Different
)

func (r Relation) String() string {
	switch r {
	case Equivalent:
		return "equivalent"
	case Broader:
		return "broader"
	case Narrower:
		return "narrower"
	case Different:
		return "different"
	}
	return "unknown"
}

// Comparison is the result of Compare.
type Comparison struct {
	Relation Relation
	// OnlyA is an event a matches and b does not, nil if there is none.
	OnlyA []byte
	// OnlyB is an event b matches and a does not, nil if there is none.
	OnlyB []byte
	// Proven is true when Relation was decided over every case that can
	// occur. It is false only for Different answers given because
	// containment could not be decided (wildcard selectors, mixed pattern
	// kinds, patterns too large to enumerate): such an answer is on the safe
	// side for an audit, never a false "catches everything".
	Proven bool
	// Note says why the answer is not proven.
	Note string
}

// Compare parses two patterns and tells how the events they match relate,
// by meaning rather than by text.
func Compare(a, b string) (Comparison, error) {
	pa, err := Parse(a)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	pb, err := Parse(b)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	return CompareAST(pa, pb)
}

// CompareAST is Compare for parsed patterns.
//
// JSON patterns are put in disjunctive normal form (equal forms are
// equivalent), wildcard selectors are expanded into concrete members, every
// selector gets a finite set of witness values that covers every case the
// patterns can tell apart, and a search over those finds an event matched by
// one pattern and not the other, or proves there is none. Unstructured and
// regex patterns are decided exactly over message strings with an
// automaton. Every example and a generated set of events are then replayed
// through the real matcher; if it disagrees with the decision, CompareAST
// returns an error rather than a wrong verdict. docs/compare.md has the
// details and the limits.
func CompareAST(a, b *Pattern) (Comparison, error) {
	if a == nil || b == nil {
		return Comparison{}, errors.New("compare: nil pattern")
	}
	ma, err := NewMatcher(a)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	mb, err := NewMatcher(b)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	c := &comparer{a: a, b: b, ma: ma, mb: mb}
	switch {
	case a.Kind == KindJSON && b.Kind == KindJSON:
		return c.compareJSON()
	case isText(a) && isText(b):
		return c.compareText()
	}
	return c.compareMixed()
}

func isText(p *Pattern) bool { return p.Kind == KindTerms || p.Kind == KindRegex }

type comparer struct {
	a, b   *Pattern
	ma, mb *Matcher
}

// relationOf turns "is there an event only a matches / only b matches" into
// a Relation.
func relationOf(onlyA, onlyB bool) Relation {
	switch {
	case onlyA && onlyB:
		return Different
	case onlyA:
		return Broader
	case onlyB:
		return Narrower
	}
	return Equivalent
}

// finish applies the rule for undecided searches: examples found are real,
// but without proof of containment the answer is Different.
func finish(onlyA, onlyB []byte, proven bool, note string) Comparison {
	c := Comparison{OnlyA: onlyA, OnlyB: onlyB, Proven: true}
	c.Relation = relationOf(onlyA != nil, onlyB != nil)
	if !proven && c.Relation != Different {
		c.Relation, c.Proven, c.Note = Different, false, note
	}
	return c
}

func disagreement(event []byte, what string) error {
	return fmt.Errorf("compare: internal disagreement between the normal form and the matcher on event %s: %s", event, what)
}
