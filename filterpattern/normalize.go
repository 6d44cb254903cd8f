package filterpattern

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Normal forms used by Compare. Two patterns with the same normal form mean
// the same thing whatever their spacing, clause order, parentheses, optional
// quotes or number spelling; patterns whose normal forms differ may still be
// equivalent, which the semantic search in compare.go decides.

// maxDNFClauses bounds the disjunctive normal form of one JSON pattern. A
// 1024-character pattern of ANDed ORs could otherwise expand exponentially.
const maxDNFClauses = 4096

// nfAtom is one JSON condition in normal form.
type nfAtom struct {
	path  string // canonical selector, e.g. $.userIdentity.type
	steps []Step
	op    CompareOp
	val   Value
	key   string // canonical text of the whole condition
}

// nfClause is a conjunction of atoms, sorted by key, without duplicates.
type nfClause []nfAtom

// nfDNF is a disjunction of clauses, sorted, without duplicates and without a
// clause that another clause makes redundant (A || A && B is A).
type nfDNF []nfClause

func (c nfClause) String() string {
	parts := make([]string, len(c))
	for i, a := range c {
		parts[i] = a.key
	}
	return strings.Join(parts, " && ")
}

func (d nfDNF) String() string {
	if len(d) == 0 {
		return "false"
	}
	parts := make([]string, len(d))
	for i, c := range d {
		parts[i] = c.String()
		if len(d) > 1 && len(c) > 1 {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return "{ " + strings.Join(parts, " || ") + " }"
}

// canonicalPath prints a selector the same way however it was written:
// $.a.b and $.['a'].b are one field.
func canonicalPath(steps []Step) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range steps {
		switch s.Kind {
		case StepField:
			if isSelectorName(s.Name) {
				b.WriteByte('.')
				b.WriteString(s.Name)
			} else {
				b.WriteString(".['")
				b.WriteString(s.Name)
				b.WriteString("']")
			}
		case StepIndex:
			fmt.Fprintf(&b, "[%d]", s.Index)
		case StepAnyIndex:
			b.WriteString("[*]")
		case StepAnyField:
			b.WriteString(".*")
		}
	}
	return b.String()
}

// hasWildcardStep reports whether a selector has a [*] or .* step.
func hasWildcardStep(steps []Step) bool {
	return slices.ContainsFunc(steps, isWildcardStep)
}

// isWildcardStep reports whether s is a [*] or .* step.
func isWildcardStep(s Step) bool {
	return s.Kind == StepAnyIndex || s.Kind == StepAnyField
}

// canonicalValue prints a value by meaning: quotes are optional for strings
// and 1e3 is 1000.
func canonicalValue(v Value) string {
	switch v.Kind {
	case ValueString:
		return strconv.Quote(v.Str)
	case ValueNumber:
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case ValueRegex:
		if v.Regex != nil {
			return "%" + v.Regex.Source + "%"
		}
	}
	return ""
}

func atomOf(c *Condition) (nfAtom, error) {
	if c.Selector == nil {
		return nfAtom{}, fmt.Errorf("condition at byte %d has no JSON selector", c.Pos)
	}
	v := c.Value
	v.Pos = 0
	return newAtom(c.Selector.Steps, c.Op, v), nil
}

func newAtom(steps []Step, op CompareOp, v Value) nfAtom {
	a := nfAtom{steps: steps, op: op, val: v}
	a.path = canonicalPath(a.steps)
	a.key = a.path + " " + operatorText(a.op)
	if cv := canonicalValue(a.val); cv != "" {
		a.key += " " + cv
	}
	return a
}

// nfTree is a JSON expression with its conditions in normal form, in the
// pattern's own shape. The search evaluates it directly, which costs the size
// of the pattern rather than the size of its DNF.
type nfTree struct {
	op   LogicalOp // 0 for a leaf
	l, r *nfTree
	atom nfAtom
}

func jsonTree(e Expr) (*nfTree, error) {
	switch x := e.(type) {
	case *Condition:
		a, err := atomOf(x)
		if err != nil {
			return nil, err
		}
		return &nfTree{atom: a}, nil
	case *Binary:
		if x.Op != OpAnd && x.Op != OpOr {
			return nil, fmt.Errorf("unknown logical operator %d at byte %d", int(x.Op), x.Pos)
		}
		l, err := jsonTree(x.Left)
		if err != nil {
			return nil, err
		}
		r, err := jsonTree(x.Right)
		if err != nil {
			return nil, err
		}
		return &nfTree{op: x.Op, l: l, r: r}, nil
	case nil:
		return nil, fmt.Errorf("empty JSON expression")
	}
	return nil, fmt.Errorf("unknown expression node %T", e)
}

func (t *nfTree) eachAtom(f func(nfAtom)) {
	if t.op == 0 {
		f(t.atom)
		return
	}
	t.l.eachAtom(f)
	t.r.eachAtom(f)
}

// jsonNormalForm converts a JSON pattern's expression to DNF.
func jsonNormalForm(e Expr) (nfDNF, error) {
	t, err := jsonTree(e)
	if err != nil {
		return nil, err
	}
	return treeNormalForm(t)
}

func treeNormalForm(t *nfTree) (nfDNF, error) {
	d, err := dnfOf(t)
	if err != nil {
		return nil, err
	}
	return tidyDNF(d)
}

// dnfOf expands t; runs of || are only concatenated, and tidied once by the
// caller or by the && that consumes them.
func dnfOf(t *nfTree) (nfDNF, error) {
	if t.op == 0 {
		return nfDNF{{t.atom}}, nil
	}
	l, err := dnfOf(t.l)
	if err != nil {
		return nil, err
	}
	r, err := dnfOf(t.r)
	if err != nil {
		return nil, err
	}
	if t.op == OpOr {
		if len(l)+len(r) > maxDNFClauses {
			return nil, fmt.Errorf("pattern expands to more than %d alternatives", maxDNFClauses)
		}
		return append(slices.Clone(l), r...), nil
	}
	if l, err = tidyDNF(l); err != nil {
		return nil, err
	}
	if r, err = tidyDNF(r); err != nil {
		return nil, err
	}
	if len(l)*len(r) > maxDNFClauses {
		return nil, fmt.Errorf("pattern expands to more than %d alternatives", maxDNFClauses)
	}
	out := make(nfDNF, 0, len(l)*len(r))
	for _, lc := range l {
		for _, rc := range r {
			out = append(out, tidyClause(append(slices.Clone(lc), rc...)))
		}
	}
	return tidyDNF(out)
}

func tidyClause(c nfClause) nfClause {
	slices.SortFunc(c, func(a, b nfAtom) int { return strings.Compare(a.key, b.key) })
	return slices.CompactFunc(c, func(a, b nfAtom) bool { return a.key == b.key })
}

// tidyDNF sorts, removes duplicates and absorbs clauses that contain another
// clause's atoms (they can only match where the smaller clause does).
func tidyDNF(d nfDNF) (nfDNF, error) {
	if len(d) > maxDNFClauses {
		return nil, fmt.Errorf("pattern expands to more than %d alternatives", maxDNFClauses)
	}
	type keyed struct {
		c   nfClause
		key string
	}
	ks := make([]keyed, len(d))
	for i, c := range d {
		ks[i] = keyed{c, c.String()}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if len(a.c) != len(b.c) {
			return len(a.c) - len(b.c)
		}
		return strings.Compare(a.key, b.key)
	})
	ks = slices.CompactFunc(ks, func(a, b keyed) bool { return a.key == b.key })
	var kept []keyed
	for _, k := range ks {
		redundant := false
		for _, s := range kept {
			// Only a strictly shorter clause can absorb this one: equal
			// lengths with different keys are never subsets.
			if len(s.c) < len(k.c) && subsetClause(s.c, k.c) {
				redundant = true
				break
			}
		}
		if !redundant {
			kept = append(kept, k)
		}
	}
	slices.SortFunc(kept, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	out := make(nfDNF, len(kept))
	for i, k := range kept {
		out[i] = k.c
	}
	return out, nil
}

// subsetClause reports whether every atom of small is in big (both sorted).
func subsetClause(small, big nfClause) bool {
	i := 0
	for _, a := range big {
		if i < len(small) && small[i].key == a.key {
			i++
		}
	}
	return i == len(small)
}

// termsNF is the meaning of an unstructured pattern: an OR of clauses, each
// requiring some substrings and excluding others. One empty clause matches
// every event.
type termsNF []termClause

type termClause struct {
	req, exc []string // sorted, without duplicates
}

func (c termClause) String() string {
	var parts []string
	for _, r := range c.req {
		parts = append(parts, strconv.Quote(r))
	}
	for _, e := range c.exc {
		parts = append(parts, "-"+strconv.Quote(e))
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " ")
}

func (t termsNF) String() string {
	parts := make([]string, len(t))
	for i, c := range t {
		parts[i] = c.String()
	}
	return strings.Join(parts, " | ")
}

// termsNormalForm applies AWS's rules: ?terms are alternatives only when every
// term has '?', and are ignored when mixed with other terms; a blank quoted
// phrase matches everything.
func termsNormalForm(terms []Term) termsNF {
	var req, exc, opt []string
	for _, t := range terms {
		switch t.Prefix {
		case PrefixExclude:
			exc = append(exc, t.Text)
		case PrefixOptional:
			opt = append(opt, t.Text)
		default:
			req = append(req, t.Text)
		}
	}
	if len(req) == 0 && len(exc) == 0 && len(opt) > 0 {
		var out termsNF
		for _, o := range opt {
			out = append(out, newTermClause([]string{o}, nil))
		}
		slices.SortFunc(out, func(a, b termClause) int { return strings.Compare(a.String(), b.String()) })
		return slices.CompactFunc(out, func(a, b termClause) bool { return a.String() == b.String() })
	}
	return termsNF{newTermClause(req, exc)}
}

func newTermClause(req, exc []string) termClause {
	// A blank phrase (" ") is AWS's "match everything": every event has it,
	// so requiring it adds nothing and excluding it excludes nothing. Blank is
	// isBlankText, the reading the parser and the matcher use too.
	var c termClause
	for _, r := range req {
		if !isBlankText(r) {
			c.req = append(c.req, r)
		}
	}
	for _, e := range exc {
		if !isBlankText(e) {
			c.exc = append(c.exc, e)
		}
	}
	slices.Sort(c.req)
	slices.Sort(c.exc)
	c.req = slices.Compact(c.req)
	c.exc = slices.Compact(c.exc)
	return c
}
