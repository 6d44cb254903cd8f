package filterpattern

import (
	"errors"
	"fmt"
)

// jsonExpr is a compiled JSON pattern expression: a leaf condition or && / ||
// of two subexpressions.
type jsonExpr struct {
	op          LogicalOp // 0 for a leaf
	left, right *jsonExpr
	cond        *jsonCond
}

// jsonCond is one "selector op value" condition.
type jsonCond struct {
	steps []Step
	test  valueTest
}

func compileJSON(e Expr, o options) (*jsonExpr, error) {
	switch e := e.(type) {
	case *Binary:
		if e.Op != OpAnd && e.Op != OpOr {
			return nil, fmt.Errorf("filterpattern: unknown logical operator %d", e.Op)
		}
		l, err := compileJSON(e.Left, o)
		if err != nil {
			return nil, err
		}
		r, err := compileJSON(e.Right, o)
		if err != nil {
			return nil, err
		}
		return &jsonExpr{op: e.Op, left: l, right: r}, nil
	case *Condition:
		if e.Selector == nil {
			return nil, errors.New("filterpattern: JSON condition without a selector")
		}
		t, err := compileValueTest(e.Op, e.Value, o)
		if err != nil {
			return nil, err
		}
		return &jsonExpr{cond: &jsonCond{steps: e.Selector.Steps, test: t}}, nil
	case nil:
		return nil, errors.New("filterpattern: empty JSON expression")
	}
	return nil, fmt.Errorf("filterpattern: unknown expression %T", e)
}

// judgeDocument evaluates the expression against one event. The event must
// be a single well-formed JSON object (spec §4.5.1); anything else fails
// every JSON pattern and is reported as not judged.
func (e *jsonExpr) judgeDocument(doc []byte) (matched, judged bool) {
	root, ok := validObject(doc)
	if !ok {
		return false, false
	}
	return e.eval(doc, root), true
}

func (e *jsonExpr) eval(doc []byte, root int) bool {
	switch e.op {
	case OpAnd:
		return e.left.eval(doc, root) && e.right.eval(doc, root)
	case OpOr:
		return e.left.eval(doc, root) || e.right.eval(doc, root)
	}
	return e.cond.eval(doc, root)
}

// eval applies the condition. A wildcard selector is existential: the
// condition holds when any selected node satisfies it. NOT EXISTS holds when
// the selector selects no node at all; a present null exists.
func (c *jsonCond) eval(doc []byte, root int) bool {
	found := walk(doc, root, c.steps, c) >= 0
	if c.test.op == OpNotExists {
		return !found
	}
	return found
}

// node reports whether the value starting at doc[i] satisfies the condition.
// Only strings and numbers take part in comparisons; null, booleans, objects
// and arrays make both = and != false (spec §4.5.3).
func (c *jsonCond) node(doc []byte, i int) bool {
	t := &c.test
	switch t.op {
	case OpNotExists:
		return true
	case OpIsNull:
		return doc[i] == 'n'
	case OpIsTrue:
		return doc[i] == 't'
	case OpIsFalse:
		return doc[i] == 'f'
	}
	switch ch := doc[i]; {
	case ch == '"':
		end, esc := stringEnd(doc, i)
		if esc {
			return t.onString(unescapeString(doc[i+1 : end]))
		}
		return t.onString(doc[i+1 : end])
	case ch == '-' || asciiDigit(ch):
		return t.onNumber(doc[i:numberEnd(doc, i)])
	}
	return false
}

// walk follows steps from the value at doc[i] and returns the offset of the
// first selected node for which c.node is true (every node when c is nil),
// or -1. A field that occurs more than once in an object resolves to its
// last occurrence, as encoding/json and most JSON libraries decode it; the
// wildcard .* visits every member as written.
func walk(doc []byte, i int, steps []Step, c *jsonCond) int {
	if len(steps) == 0 {
		if c == nil || c.node(doc, i) {
			return i
		}
		return -1
	}
	st := &steps[0]
	switch st.Kind {
	case StepField, StepAnyField:
		if doc[i] != '{' {
			return -1
		}
		last := -1
		i = skipWS(doc, i+1)
		if doc[i] == '}' {
			return -1
		}
		for {
			ke, esc := stringEnd(doc, i)
			key := doc[i+1 : ke]
			i = skipWS(doc, ke+1) // at ':'
			i = skipWS(doc, i+1)  // at the value
			if st.Kind == StepAnyField {
				if r := walk(doc, i, steps[1:], c); r >= 0 {
					return r
				}
			} else if keyEqual(key, esc, st.Name) {
				last = i
			}
			i = skipWS(doc, skipValue(doc, i))
			if doc[i] != ',' {
				break
			}
			i = skipWS(doc, i+1)
		}
		if last < 0 {
			return -1
		}
		return walk(doc, last, steps[1:], c)
	case StepIndex, StepAnyIndex:
		if doc[i] != '[' {
			return -1
		}
		i = skipWS(doc, i+1)
		if doc[i] == ']' {
			return -1
		}
		for n := 0; ; n++ {
			if st.Kind == StepAnyIndex {
				if r := walk(doc, i, steps[1:], c); r >= 0 {
					return r
				}
			} else if n == st.Index {
				return walk(doc, i, steps[1:], c)
			}
			i = skipWS(doc, skipValue(doc, i))
			if doc[i] != ',' {
				return -1
			}
			i = skipWS(doc, i+1)
		}
	}
	return -1
}

func keyEqual(raw []byte, esc bool, name string) bool {
	if !esc {
		return string(raw) == name
	}
	return string(unescapeString(raw)) == name
}
