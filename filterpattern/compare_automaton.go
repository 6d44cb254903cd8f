package filterpattern

import (
	"encoding/binary"
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds, for a set of string predicates (globs, regexes, "contains
// term"), one witness string for every combination of truth values that some
// string actually has. It runs all predicates as NFAs in lock step over an
// alphabet of representative runes and walks the product breadth first, so a
// combination that no string has is never invented and one that some string
// has is never missed (as long as the walk finishes within its state budget).
// That is what lets Compare prove containment instead of guessing it.

// strPred is one string predicate, compiled for lock-step simulation. The
// predicate holds when the program matches the whole subject; searches and
// globs are expressed as whole-subject matches by construction.
type strPred struct {
	prog *syntax.Prog
}

// maxCellStates bounds the product walk. The CIS patterns need a few hundred.
const maxCellStates = 20000

// globRE2 is the whole-subject regular expression for a filter-pattern string
// value in which every '*' is a wildcard.
func globRE2(glob string) string {
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = quoteRE2(p)
	}
	return strings.Join(parts, `(?s:.*)`)
}

// searchRE2 makes an unanchored search for re a whole-subject match.
func searchRE2(re string) string { return `(?s:.*)(?:` + re + `)(?s:.*)` }

// containsRE2 is "the subject contains s".
func containsRE2(s string) string { return searchRE2(quoteRE2(s)) }

func quoteRE2(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func newStrPred(re string) (strPred, error) {
	rx, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return strPred{}, fmt.Errorf("compile predicate %q: %w", re, err)
	}
	prog, err := syntax.Compile(rx.Simplify())
	if err != nil {
		return strPred{}, fmt.Errorf("compile predicate %q: %w", re, err)
	}
	return strPred{prog: prog}, nil
}

// supported reports whether the simulation below understands every
// instruction: word-boundary assertions need look-behind it does not keep.
func (p strPred) supported() bool {
	for _, in := range p.prog.Inst {
		if in.Op == syntax.InstEmptyWidth {
			if syntax.EmptyOp(in.Arg)&(syntax.EmptyWordBoundary|syntax.EmptyNoWordBoundary) != 0 {
				return false
			}
		}
	}
	return true
}

// closure follows the empty transitions from pcs. atStart/atEnd tell which
// text-boundary assertions hold at this position.
func (p strPred) closure(pcs []uint32, atStart, atEnd bool) []uint32 {
	seen := make([]bool, len(p.prog.Inst))
	var out []uint32
	stack := append(make([]uint32, 0, 2*len(pcs)+4), pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &p.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			ok := true
			if op&(syntax.EmptyBeginText|syntax.EmptyBeginLine) != 0 && !atStart {
				ok = false
			}
			if op&(syntax.EmptyEndText|syntax.EmptyEndLine) != 0 && !atEnd {
				ok = false
			}
			if ok {
				stack = append(stack, in.Out)
			}
		default:
			out = append(out, pc)
		}
	}
	slices.Sort(out)
	return out
}

// step consumes r from the closed set pcs.
func (p strPred) step(closed []uint32, r rune) []uint32 {
	var next []uint32
	for _, pc := range closed {
		in := &p.prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			if in.MatchRune(r) {
				next = append(next, in.Out)
			}
		}
	}
	slices.Sort(next)
	return slices.Compact(next)
}

func (p strPred) accepts(pcs []uint32, atStart bool) bool {
	for _, pc := range p.closure(pcs, atStart, true) {
		if p.prog.Inst[pc].Op == syntax.InstMatch {
			return true
		}
	}
	return false
}

// matchString runs the predicate on s (used for seed strings).
func (p strPred) matchString(s string) bool {
	pcs := []uint32{uint32(p.prog.Start)}
	start := true
	for _, r := range s {
		pcs = p.step(p.closure(pcs, start, false), r)
		start = false
		if len(pcs) == 0 {
			return false
		}
	}
	return p.accepts(pcs, start)
}

// alphabet returns one representative rune for every class of runes that no
// predicate tells apart, preferring printable ASCII so witnesses stay
// readable, and a function giving the index in reps of the class of any
// rune (-1 when the class has no usable representative).
func alphabet(preds []strPred) (reps []rune, classOf func(rune) int) {
	cuts := map[rune]bool{0: true, '\n': true, '\n' + 1: true, utf8.MaxRune + 1: true}
	cut := func(lo, hi rune, fold bool) {
		cuts[lo], cuts[hi+1] = true, true
		if fold && lo == hi {
			// A case-folded rune also stands for its other cases.
			for f := unicode.SimpleFold(lo); f != lo; f = unicode.SimpleFold(f) {
				cuts[f], cuts[f+1] = true, true
			}
		}
	}
	for _, p := range preds {
		for _, in := range p.prog.Inst {
			fold := syntax.Flags(in.Arg)&syntax.FoldCase != 0
			switch in.Op {
			case syntax.InstRune1:
				cut(in.Rune[0], in.Rune[0], false)
			case syntax.InstRune:
				if len(in.Rune) == 1 {
					cut(in.Rune[0], in.Rune[0], fold)
				}
				for i := 0; i+1 < len(in.Rune); i += 2 {
					cut(in.Rune[i], in.Rune[i+1], false)
				}
			}
		}
	}
	points := make([]rune, 0, len(cuts))
	for r := range cuts {
		points = append(points, r)
	}
	slices.Sort(points)
	type rep struct {
		r        rune
		interval int
	}
	var rs []rep
	for i := 0; i+1 < len(points); i++ {
		if r, ok := niceRune(points[i], points[i+1]); ok { // [lo, hi)
			rs = append(rs, rep{r, i})
		}
	}
	// The walk tries runes in this order, so readable witnesses win.
	slices.SortStableFunc(rs, func(a, b rep) int { return runeRank(a.r) - runeRank(b.r) })
	byInterval := make([]int, len(points))
	for i := range byInterval {
		byInterval[i] = -1
	}
	for i, x := range rs {
		reps = append(reps, x.r)
		byInterval[x.interval] = i
	}
	classOf = func(r rune) int {
		i, found := slices.BinarySearch(points, r)
		if !found {
			i--
		}
		if i < 0 || i >= len(points)-1 {
			return -1
		}
		return byInterval[i]
	}
	return reps, classOf
}

func runeRank(r rune) int {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		return 0
	case '0' <= r && r <= '9':
		return 1
	case ' ' <= r && r < 0x7f:
		return 2
	case r >= 0xa0:
		return 3
	}
	return 4
}

// niceRune picks a representative of [lo, hi): a lower-case letter, another
// printable ASCII character, or any valid rune, in that order.
func niceRune(lo, hi rune) (rune, bool) {
	for _, want := range []string{"xyzqjkvwuabcdefghilmnoprst", "XYZQJKVWUABCDEFGHILMNOPRST", "0123456789", "-_.:/ "} {
		for _, r := range want {
			if lo <= r && r < hi {
				return r, true
			}
		}
	}
	for r := lo; r < hi && r < lo+0x1000; r++ {
		if r >= ' ' && r != 0x7f && utf8.ValidRune(r) {
			return r, true
		}
	}
	for r := lo; r < hi && r < lo+0x1000; r++ {
		if utf8.ValidRune(r) {
			return r, true
		}
	}
	return 0, false
}

// cell is one satisfiable combination of predicate results with a string
// that has it.
type cell struct {
	vec     []bool
	witness string
}

func vecKey(v []bool) string {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = '0'
		if x {
			b[i] = '1'
		}
	}
	return string(b)
}

// cells returns one witness per satisfiable combination of preds, trying the
// seeds first so that witnesses read like real values. complete is false when
// the walk ran out of budget or met an unsupported construct; the cells found
// are still real. With nonEmpty the empty string is not a candidate: a log
// event message is never empty, but a JSON string value can be.
func cells(preds []strPred, seeds []string, nonEmpty bool) (out []cell, complete bool) {
	complete = true
	for _, p := range preds {
		if !p.supported() {
			complete = false
		}
	}
	found := map[string]bool{}
	add := func(vec []bool, w string) {
		if nonEmpty && w == "" {
			return
		}
		k := vecKey(vec)
		if !found[k] {
			found[k] = true
			out = append(out, cell{vec: vec, witness: w})
		}
	}
	sigma, classOf := alphabet(preds)
	dfas := make([]*lazyDFA, len(preds))
	for i, p := range preds {
		dfas[i] = newLazyDFA(p, len(sigma))
	}
	for _, s := range seeds {
		vec := make([]bool, len(preds))
		ids := make([]int32, len(preds))
		ok := true
		for _, r := range s {
			ri := classOf(r)
			if ri < 0 {
				ok = false
				break
			}
			for i, d := range dfas {
				ids[i] = d.step(ids[i], ri, sigma[ri])
			}
		}
		for i, p := range preds {
			if ok {
				vec[i] = dfas[i].accept[ids[i]]
			} else {
				vec[i] = p.matchString(s)
			}
		}
		add(vec, s)
	}
	total := 1 << min(len(preds), 30)
	type state struct {
		ids  []int32
		text string
	}
	var kb []byte
	key := func(ids []int32) []byte {
		kb = kb[:0]
		for _, id := range ids {
			kb = binary.AppendUvarint(kb, uint64(id))
		}
		return kb
	}
	init := state{ids: make([]int32, len(preds))} // state 0 of every DFA is its start
	seen := map[string]bool{string(key(init.ids)): true}
	scratch := make([]int32, len(preds))
	queue := []state{init}
	for len(queue) > 0 {
		if len(found) == total {
			break // every combination has a witness already
		}
		if len(seen) > maxCellStates {
			return out, false
		}
		s := queue[0]
		queue = queue[1:]
		vec := make([]bool, len(preds))
		for i, d := range dfas {
			vec[i] = d.accept[s.ids[i]]
		}
		add(vec, s.text)
		for ri, r := range sigma {
			for i, d := range dfas {
				scratch[i] = d.step(s.ids[i], ri, r)
			}
			if k := key(scratch); !seen[string(k)] {
				seen[string(k)] = true
				queue = append(queue, state{ids: slices.Clone(scratch), text: s.text + string(r)})
			}
		}
	}
	return out, complete
}

// lazyDFA is the subset construction of one predicate, built on demand as
// the product walk reaches its states.
type lazyDFA struct {
	p      strPred
	nsigma int
	ids    map[string]int32
	closed [][]uint32 // per state: the NFA positions after empty moves
	accept []bool
	next   [][]int32 // per state and alphabet index; -1 until computed
}

func newLazyDFA(p strPred, nsigma int) *lazyDFA {
	d := &lazyDFA{p: p, nsigma: nsigma, ids: map[string]int32{}}
	d.intern([]uint32{uint32(p.prog.Start)}, true)
	return d
}

// intern returns the id of the state "NFA positions pcs, at the start of the
// text or not".
func (d *lazyDFA) intern(pcs []uint32, atStart bool) int32 {
	closed := d.p.closure(pcs, atStart, false)
	var kb []byte
	if atStart {
		kb = append(kb, '^')
	}
	for _, pc := range pcs {
		kb = binary.AppendUvarint(kb, uint64(pc))
	}
	k := string(kb)
	if id, ok := d.ids[k]; ok {
		return id
	}
	id := int32(len(d.closed))
	d.ids[k] = id
	d.closed = append(d.closed, closed)
	d.accept = append(d.accept, d.p.accepts(pcs, atStart))
	nx := make([]int32, d.nsigma)
	for i := range nx {
		nx[i] = -1
	}
	d.next = append(d.next, nx)
	return id
}

func (d *lazyDFA) step(id int32, ri int, r rune) int32 {
	if n := d.next[id][ri]; n >= 0 {
		return n
	}
	n := d.intern(d.p.step(d.closed[id], r), false)
	d.next[id][ri] = n
	return n
}
