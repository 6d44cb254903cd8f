package filterpattern

import (
	"errors"
	"fmt"
	"strconv"
)

// delimMatcher evaluates a space-delimited pattern (spec §5).
//
// Splitting: fields are separated by spaces (a run of spaces counts as one
// separator, and leading or trailing spaces are ignored: AWS's examples
// never show an empty field between two spaces, and access logs pad with
// double spaces); text between double quotes or between '[' and ']' is one
// field, without its delimiters.
//
// Alignment: without an ellipsis, entries take fields from the left and the
// last entry takes the rest of the line, so an event with more fields than
// entries still matches ([w1=ERROR, w2] matches any line whose first word is
// ERROR); with an ellipsis, entries before it align from the start and
// entries after it from the end. An event with fewer fields than entries
// does not match.
type delimMatcher struct {
	entries  []delimEntry
	ellipsis int // index of the "..." entry, -1 without one
}

type delimEntry struct {
	name string
	cond *delimExpr // nil: any value
}

type delimExpr struct {
	op          LogicalOp // 0 for a leaf
	left, right *delimExpr
	test        valueTest
}

func compileDelimited(fields []Field, o options) (*delimMatcher, error) {
	d := &delimMatcher{ellipsis: -1}
	for i, f := range fields {
		if f.Ellipsis {
			if d.ellipsis >= 0 {
				return nil, errors.New("filterpattern: more than one ellipsis in a space-delimited pattern")
			}
			d.ellipsis = i
		}
		e := delimEntry{name: f.Name}
		if f.Cond != nil {
			c, err := compileDelimExpr(f.Cond, o)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			e.cond = c
		}
		d.entries = append(d.entries, e)
	}
	return d, nil
}

func compileDelimExpr(e Expr, o options) (*delimExpr, error) {
	switch e := e.(type) {
	case *Binary:
		l, err := compileDelimExpr(e.Left, o)
		if err != nil {
			return nil, err
		}
		r, err := compileDelimExpr(e.Right, o)
		if err != nil {
			return nil, err
		}
		return &delimExpr{op: e.Op, left: l, right: r}, nil
	case *Condition:
		t, err := compileValueTest(e.Op, e.Value, o)
		if err != nil {
			return nil, err
		}
		return &delimExpr{test: t}, nil
	}
	return nil, fmt.Errorf("filterpattern: unknown expression %T", e)
}

func (x *delimExpr) eval(v []byte) bool {
	switch x.op {
	case OpAnd:
		return x.left.eval(v) && x.right.eval(v)
	case OpOr:
		return x.left.eval(v) || x.right.eval(v)
	}
	switch x.test.op {
	case OpIsNull, OpIsTrue, OpIsFalse, OpNotExists:
		return false
	}
	return x.test.onText(v)
}

// fieldSpan locates one field of the event: the value and, for the "rest of
// the line" rule, where the field's raw text (with delimiters) begins and
// ends.
type fieldSpan struct {
	start, end       int // value
	rawStart, rawEnd int
}

// splitFields appends the fields of ev to dst.
func splitFields(ev []byte, dst []fieldSpan) []fieldSpan {
	i := 0
	for {
		for i < len(ev) && ev[i] == ' ' {
			i++
		}
		if i >= len(ev) {
			return dst
		}
		f := fieldSpan{rawStart: i}
		switch ev[i] {
		case '"', '[':
			closer := byte('"')
			if ev[i] == '[' {
				closer = ']'
			}
			f.start = i + 1
			j := f.start
			for j < len(ev) && ev[j] != closer {
				j++
			}
			f.end = j
			if j < len(ev) {
				j++ // the closing delimiter
			}
			f.rawEnd = j
			i = j
		default:
			j := i
			for j < len(ev) && ev[j] != ' ' {
				j++
			}
			f.start, f.end, f.rawEnd = i, j, j
			i = j
		}
		dst = append(dst, f)
	}
}

// align calls visit for each entry with the value it aligns to and the
// 1-based position of that value's first field; it returns false when the
// event has too few fields. visit returning false stops early.
func (d *delimMatcher) align(ev []byte, fields []fieldSpan, visit func(entry int, pos int, v []byte) bool) bool {
	n := len(d.entries)
	if d.ellipsis < 0 {
		if len(fields) < n {
			return false
		}
		for k := 0; k < n; k++ {
			f := fields[k]
			v := ev[f.start:f.end]
			if k == n-1 && len(fields) > n {
				v = ev[f.rawStart:fields[len(fields)-1].rawEnd]
			}
			if !visit(k, k+1, v) {
				return true
			}
		}
		return true
	}
	before, after := d.ellipsis, n-d.ellipsis-1
	if len(fields) < before+after {
		return false
	}
	for k := 0; k < before; k++ {
		f := fields[k]
		if !visit(k, k+1, ev[f.start:f.end]) {
			return true
		}
	}
	for j := 0; j < after; j++ {
		p := len(fields) - after + j
		f := fields[p]
		if !visit(d.ellipsis+1+j, p+1, ev[f.start:f.end]) {
			return true
		}
	}
	return true
}

func (d *delimMatcher) match(ev []byte) bool {
	var buf [64]fieldSpan
	fields := splitFields(ev, buf[:0])
	n := len(d.entries)
	if d.ellipsis < 0 {
		if len(fields) < n {
			return false
		}
		for k := 0; k < n; k++ {
			c := d.entries[k].cond
			if c == nil {
				continue
			}
			f := fields[k]
			v := ev[f.start:f.end]
			if k == n-1 && len(fields) > n {
				v = ev[f.rawStart:fields[len(fields)-1].rawEnd]
			}
			if !c.eval(v) {
				return false
			}
		}
		return true
	}
	before, after := d.ellipsis, n-d.ellipsis-1
	if len(fields) < before+after {
		return false
	}
	for k := 0; k < before; k++ {
		if c := d.entries[k].cond; c != nil {
			f := fields[k]
			if !c.eval(ev[f.start:f.end]) {
				return false
			}
		}
	}
	for j := 0; j < after; j++ {
		if c := d.entries[d.ellipsis+1+j].cond; c != nil {
			f := fields[len(fields)-after+j]
			if !c.eval(ev[f.start:f.end]) {
				return false
			}
		}
	}
	return true
}

// extract returns the values a matching event yields, keyed as
// TestMetricFilter's extractedValues are: "$name" for named entries, "$N"
// (the 1-based field position) for unnamed entries and for every field the
// ellipsis covers.
func (d *delimMatcher) extract(ev []byte) map[string]string {
	fields := splitFields(ev, nil)
	out := make(map[string]string, len(fields))
	covered := make([]bool, len(fields))
	d.align(ev, fields, func(k, pos int, v []byte) bool {
		covered[pos-1] = true
		if name := d.entries[k].name; name != "" {
			out["$"+name] = string(v)
		} else {
			out["$"+strconv.Itoa(pos)] = string(v)
		}
		return true
	})
	if d.ellipsis >= 0 {
		for p, f := range fields {
			if !covered[p] {
				out["$"+strconv.Itoa(p+1)] = string(ev[f.start:f.end])
			}
		}
	}
	return out
}
