package filterpattern

import (
	"fmt"
	"slices"
	"strings"
)

// Comparing unstructured and regex patterns over message strings, and
// patterns of different kinds by example.

// lit is a predicate literal of a text formula.
type lit struct {
	pred int
	pos  bool
}

// textFormula is an OR of ANDs of predicate literals over the whole message.
type textFormula [][]lit

func (f textFormula) eval(vec []bool) bool {
	for _, cl := range f {
		ok := true
		for _, l := range cl {
			if vec[l.pred] != l.pos {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// textPreds collects message predicates shared by both patterns.
type textPreds struct {
	preds []strPred
	index map[string]int
	seeds []string
}

func (t *textPreds) add(re string) (int, error) {
	if i, ok := t.index[re]; ok {
		return i, nil
	}
	p, err := newStrPred(re)
	if err != nil {
		return 0, err
	}
	t.index[re] = len(t.preds)
	t.preds = append(t.preds, p)
	return len(t.preds) - 1, nil
}

func (t *textPreds) formula(p *Pattern) (textFormula, string, error) {
	switch p.Kind {
	case KindRegex:
		i, err := t.add(searchRE2(p.Regex.RE2()))
		return textFormula{{{i, true}}}, "%" + p.Regex.Source + "%", err
	case KindTerms:
		nf := termsNormalForm(p.Terms)
		var f textFormula
		for _, c := range nf {
			var cl []lit
			for _, r := range c.req {
				i, err := t.add(containsRE2(r))
				if err != nil {
					return nil, "", err
				}
				cl = append(cl, lit{i, true})
			}
			for _, e := range c.exc {
				i, err := t.add(containsRE2(e))
				if err != nil {
					return nil, "", err
				}
				cl = append(cl, lit{i, false})
			}
			f = append(f, cl)
			t.seeds = append(t.seeds, strings.Join(c.req, " "))
			for _, e := range c.exc {
				t.seeds = append(t.seeds, strings.Join(append(slices.Clone(c.req), e), " "))
			}
		}
		return f, nf.String(), nil
	}
	return nil, "", fmt.Errorf("not a text pattern: %s", p.Kind)
}

func (c *comparer) compareText() (Comparison, error) {
	tp := &textPreds{index: map[string]int{}}
	fa, nfa, err := tp.formula(c.a)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	fb, nfb, err := tp.formula(c.b)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	if c.a.Kind == c.b.Kind && nfa == nfb {
		return Comparison{Relation: Equivalent, Proven: true}, nil
	}
	cs, complete := cells(tp.preds, append(tp.seeds, "example log line"), true)
	var onlyA, onlyB []byte
	for _, cl := range cs {
		absA, absB := fa.eval(cl.vec), fb.eval(cl.vec)
		ev := []byte(cl.witness)
		realA, realB := c.ma.Match(ev), c.mb.Match(ev)
		if realA != absA || realB != absB {
			if complete {
				return Comparison{}, disagreement([]byte(fmt.Sprintf("%q", ev)), fmt.Sprintf(
					"normal form says first=%v second=%v, matcher says first=%v second=%v", absA, absB, realA, realB))
			}
			continue
		}
		if absA && !absB && onlyA == nil {
			onlyA = ev
		}
		if absB && !absA && onlyB == nil {
			onlyB = ev
		}
	}
	return finish(onlyA, onlyB, complete, "the strings these patterns look for are too many to enumerate"), nil
}

// compareMixed handles pairs the engine cannot decide (different kinds, or
// two space-delimited patterns): identical canonical forms are equivalent;
// otherwise events generated for either side are tried on both matchers, and
// the answer is Different, proven only if both directions have an example.
func (c *comparer) compareMixed() (Comparison, error) {
	if c.a.Kind == c.b.Kind && c.a.String() == c.b.String() {
		return Comparison{Relation: Equivalent, Proven: true}, nil
	}
	var candidates [][]byte
	for _, p := range []*Pattern{c.a, c.b} {
		evs, err := candidateEvents(p)
		if err != nil {
			return Comparison{}, fmt.Errorf("compare: %w", err)
		}
		candidates = append(candidates, evs...)
	}
	candidates = append(candidates, cloudTrailFixtures...)
	var onlyA, onlyB []byte
	for _, ev := range candidates {
		realA, realB := c.ma.Match(ev), c.mb.Match(ev)
		if realA && !realB && onlyA == nil {
			onlyA = ev
		}
		if realB && !realA && onlyB == nil {
			onlyB = ev
		}
	}
	note := fmt.Sprintf("a %s pattern and a %s pattern are compared by example only", c.a.Kind, c.b.Kind)
	if c.a.Kind == c.b.Kind {
		note = fmt.Sprintf("%s patterns are compared by example only", c.a.Kind)
	}
	return finish(onlyA, onlyB, false, note), nil
}

// candidateEvents generates events that exercise p: for a JSON pattern one
// per clause and one per failed condition, for text patterns one per
// combination of its terms.
func candidateEvents(p *Pattern) ([][]byte, error) {
	switch p.Kind {
	case KindJSON:
		t, err := jsonTree(p.JSON)
		if err != nil {
			return nil, err
		}
		if x, ok, _ := expandWildcards([]*nfTree{t}); ok {
			t = x[0]
		}
		sp, err := newSpace(t)
		if err != nil {
			return nil, err
		}
		ct := sp.compileTree(t)
		ts := [][]target{{{ct, true}}, {{ct, false}}}
		if d, err := treeNormalForm(t); err == nil {
			cd := sp.compile(d)
			for _, cl := range cd[:min(len(cd), maxConfirmClauses)] {
				ts = append(ts, []target{{cdnf{cl}, true}})
				for j := range cl {
					ts = append(ts, []target{{cdnf{{cl[j]}}, false}})
				}
			}
		}
		var out [][]byte
		for _, t := range ts {
			if asg, found, _ := sp.search(t, 20_000); found {
				if ev, ok := realize(sp.fields, asg); ok {
					out = append(out, ev, escapeFirstLetters(ev))
				}
			}
		}
		return out, nil
	case KindTerms, KindRegex:
		tp := &textPreds{index: map[string]int{}}
		if _, _, err := tp.formula(p); err != nil {
			return nil, err
		}
		cs, _ := cells(tp.preds, tp.seeds, true)
		var out [][]byte
		for _, c := range cs {
			out = append(out, []byte(c.witness))
		}
		return out, nil
	}
	return nil, nil
}

// escapeFirstLetters writes the first ASCII letter of every JSON string
// value in ev as a \u escape. The event means the same to a JSON pattern,
// but a term pattern searching the raw text no longer finds the word: the
// difference between matching text and matching JSON values.
func escapeFirstLetters(ev []byte) []byte {
	var out []byte
	var stack []byte // open containers
	var prev byte    // last structural character outside strings
	in, esc, value, done := false, false, false, false
	for _, c := range ev {
		switch {
		case in && esc:
			esc = false
		case in && c == '\\':
			esc = true
		case in && c == '"':
			in = false
		case in && value && !done && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'):
			out = fmt.Appendf(out, "\\u%04x", c)
			done = true
			continue
		case in:
		case c == '"':
			in, done = true, false
			value = prev == ':' || len(stack) > 0 && stack[len(stack)-1] == '['
		case c == '{' || c == '[':
			stack = append(stack, c)
			prev = c
		case c == '}' || c == ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			prev = c
		case c == ':' || c == ',':
			prev = c
		}
		out = append(out, c)
	}
	return out
}
