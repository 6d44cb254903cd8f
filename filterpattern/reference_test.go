package filterpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// refMatch is a slow, obviously-correct evaluator used to check the fast
// path: it decodes the whole event with encoding/json and walks the AST
// directly, with none of the matcher's prefilter, scanner or compiled
// forms. It implements the same documented semantic choices (spec §2-§5 and
// the comments in match*.go) in a different way.
func refMatch(p *Pattern, event []byte) bool {
	switch p.Kind {
	case KindTerms:
		return refTerms(p.Terms, string(event))
	case KindRegex:
		return regexp.MustCompile(p.Regex.RE2()).Match(event)
	case KindJSON:
		root, ok := refDecode(event)
		if !ok || root.kind != 'o' {
			return false
		}
		return refExpr(p.JSON, root)
	case KindDelimited:
		return refDelimited(p.Delimited, string(event))
	}
	return false
}

func refTerms(terms []Term, ev string) bool {
	var plain, excl, opt []Term
	for _, t := range terms {
		switch t.Prefix {
		case PrefixNone:
			plain = append(plain, t)
		case PrefixExclude:
			excl = append(excl, t)
		case PrefixOptional:
			opt = append(opt, t)
		}
	}
	blank := func(t Term) bool { return strings.Trim(t.Text, " \t\r\n") == "" }
	if len(plain) == 0 && len(excl) == 0 && len(opt) > 0 {
		for _, t := range opt {
			if blank(t) || strings.Contains(ev, t.Text) {
				return true
			}
		}
		return false
	}
	for _, t := range plain {
		if !blank(t) && !strings.Contains(ev, t.Text) {
			return false
		}
	}
	for _, t := range excl {
		if !blank(t) && strings.Contains(ev, t.Text) {
			return false
		}
	}
	return true
}

// refNode is a decoded JSON value that keeps object members in order,
// duplicates included.
type refNode struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 't', 'f', 'z' null
	str   string
	keys  []string
	vals  []*refNode
	elems []*refNode
}

func refDecode(event []byte) (*refNode, bool) {
	if !json.Valid(event) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	n, err := refValue(dec)
	if err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return n, true
}

func refValue(dec *json.Decoder) (*refNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			n := &refNode{kind: 'o'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := refValue(dec)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, kt.(string))
				n.vals = append(n.vals, val)
			}
			_, err := dec.Token()
			return n, err
		}
		n := &refNode{kind: 'a'}
		for dec.More() {
			val, err := refValue(dec)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, val)
		}
		_, err := dec.Token()
		return n, err
	case string:
		return &refNode{kind: 's', str: v}, nil
	case json.Number:
		return &refNode{kind: 'n', str: v.String()}, nil
	case bool:
		if v {
			return &refNode{kind: 't'}, nil
		}
		return &refNode{kind: 'f'}, nil
	case nil:
		return &refNode{kind: 'z'}, nil
	}
	return nil, errors.New("unexpected token")
}

func refExpr(e Expr, root *refNode) bool {
	switch e := e.(type) {
	case *Binary:
		if e.Op == OpAnd {
			return refExpr(e.Left, root) && refExpr(e.Right, root)
		}
		return refExpr(e.Left, root) || refExpr(e.Right, root)
	case *Condition:
		nodes := refSelect([]*refNode{root}, e.Selector.Steps)
		if e.Op == OpNotExists {
			return len(nodes) == 0
		}
		for _, n := range nodes {
			if refCond(e.Op, e.Value, n) {
				return true
			}
		}
	}
	return false
}

func refSelect(cur []*refNode, steps []Step) []*refNode {
	for _, st := range steps {
		var next []*refNode
		for _, n := range cur {
			switch st.Kind {
			case StepField:
				if n.kind != 'o' {
					continue
				}
				var last *refNode
				for i, k := range n.keys {
					if k == st.Name {
						last = n.vals[i]
					}
				}
				if last != nil {
					next = append(next, last)
				}
			case StepAnyField:
				if n.kind == 'o' {
					next = append(next, n.vals...)
				}
			case StepIndex:
				if n.kind == 'a' && st.Index < len(n.elems) {
					next = append(next, n.elems[st.Index])
				}
			case StepAnyIndex:
				if n.kind == 'a' {
					next = append(next, n.elems...)
				}
			}
		}
		cur = next
	}
	return cur
}

func refCond(op CompareOp, v Value, n *refNode) bool {
	switch op {
	case OpIsNull:
		return n.kind == 'z'
	case OpIsTrue:
		return n.kind == 't'
	case OpIsFalse:
		return n.kind == 'f'
	}
	if n.kind != 's' && n.kind != 'n' {
		return false
	}
	if v.Kind == ValueNumber {
		if n.kind != 'n' {
			return false
		}
		f, err := strconv.ParseFloat(n.str, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return false
		}
		return refCompare(op, f, v.Num)
	}
	return refText(op, v, n.str)
}

func refCompare(op CompareOp, a, b float64) bool {
	switch op {
	case OpEq:
		return a == b
	case OpNe:
		return a != b
	case OpLt:
		return a < b
	case OpLe:
		return a <= b
	case OpGt:
		return a > b
	case OpGe:
		return a >= b
	}
	return false
}

// refText applies a string or regex value to text: '*' is any run of
// characters, implemented here with a regexp rather than a scan.
func refText(op CompareOp, v Value, s string) bool {
	var m bool
	switch v.Kind {
	case ValueString:
		parts := strings.Split(v.Str, "*")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		m = regexp.MustCompile(`(?s)\A` + strings.Join(parts, ".*") + `\z`).MatchString(s)
	case ValueRegex:
		m = regexp.MustCompile(v.Regex.RE2()).MatchString(s)
	default:
		return false
	}
	switch op {
	case OpEq:
		return m
	case OpNe:
		return !m
	}
	return false
}

type refField struct {
	val      string
	from, to int // raw extent in the event
}

// refSplit splits like the matcher does, written as a tokenizer over runes
// of the string rather than offsets into bytes.
func refSplit(ev string) []refField {
	var out []refField
	i := 0
	for i < len(ev) {
		if ev[i] == ' ' {
			i++
			continue
		}
		closer := ""
		switch ev[i] {
		case '"':
			closer = `"`
		case '[':
			closer = "]"
		}
		if closer != "" {
			j := strings.Index(ev[i+1:], closer)
			if j < 0 {
				out = append(out, refField{ev[i+1:], i, len(ev)})
				return out
			}
			out = append(out, refField{ev[i+1 : i+1+j], i, i + 2 + j})
			i += j + 2
			continue
		}
		j := strings.IndexByte(ev[i:], ' ')
		if j < 0 {
			j = len(ev) - i
		}
		out = append(out, refField{ev[i : i+j], i, i + j})
		i += j
	}
	return out
}

func refDelimited(entries []Field, ev string) bool {
	fields := refSplit(ev)
	values, ok := refAlign(entries, fields, ev)
	if !ok {
		return false
	}
	for k, f := range entries {
		if f.Ellipsis || f.Cond == nil {
			continue
		}
		if !refFieldExpr(f.Cond, values[k]) {
			return false
		}
	}
	return true
}

func refAlign(entries []Field, fields []refField, ev string) ([]string, bool) {
	values := make([]string, len(entries))
	ell := -1
	for k, f := range entries {
		if f.Ellipsis {
			ell = k
		}
	}
	if ell < 0 {
		if len(fields) < len(entries) {
			return nil, false
		}
		for k := range entries {
			values[k] = fields[k].val
		}
		if n := len(entries); n > 0 && len(fields) > n {
			values[n-1] = ev[fields[n-1].from:fields[len(fields)-1].to]
		}
		return values, true
	}
	after := len(entries) - ell - 1
	if len(fields) < ell+after {
		return nil, false
	}
	for k := 0; k < ell; k++ {
		values[k] = fields[k].val
	}
	for j := 0; j < after; j++ {
		values[ell+1+j] = fields[len(fields)-after+j].val
	}
	return values, true
}

func refFieldExpr(e Expr, s string) bool {
	switch e := e.(type) {
	case *Binary:
		if e.Op == OpAnd {
			return refFieldExpr(e.Left, s) && refFieldExpr(e.Right, s)
		}
		return refFieldExpr(e.Left, s) || refFieldExpr(e.Right, s)
	case *Condition:
		switch e.Op {
		case OpIsNull, OpIsTrue, OpIsFalse, OpNotExists:
			return false
		}
		if e.Value.Kind == ValueNumber {
			if !refIsNumber(s) {
				return false
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return false
			}
			return refCompare(e.Op, f, e.Value.Num)
		}
		return refText(e.Op, e.Value, s)
	}
	return false
}

var refNumberRE = regexp.MustCompile(`\A[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\z`)

func refIsNumber(s string) bool { return refNumberRE.MatchString(s) }
