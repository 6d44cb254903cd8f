package sqlpattern

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rootwatch/rootwatch/filterpattern"
)

// Translation is a filter pattern compiled to a SQL WHERE clause.
type Translation struct {
	Dialect Dialect
	// Where is a boolean SQL expression over the dialect's table.
	Where string
	// Exact is true when Where selects exactly the records the engine
	// matches (on records that keep the table contract); otherwise it
	// selects a superset and Reasons say why.
	Exact   bool
	Reasons []Reason
	// rebuildGap: the pattern reads a column Rebuild does not write
	// back (resources).
	rebuildGap bool
}

// Reason is why one condition is approximate.
type Reason struct {
	// Condition is the condition, as the canonical printer writes it.
	Condition string `json:"condition"`
	Why       string `json:"why"`
	// Rebuildable is true when a record rebuilt from the table's columns
	// (RebuildColumns) still holds what the engine needs to judge the
	// condition, so re-checking such a record gives the engine's answer.
	Rebuildable bool `json:"rebuildable"`
}

// Rebuildable reports whether every approximate condition can be judged
// again on a record rebuilt from the table's columns.
func (t *Translation) Rebuildable() bool {
	if t.rebuildGap {
		return false
	}
	for _, r := range t.Reasons {
		if !r.Rebuildable {
			return false
		}
	}
	return true
}

// Label is "exact" or "approximate".
func (t *Translation) Label() string {
	if t.Exact {
		return "exact"
	}
	return "approximate"
}

// Translate compiles a parsed pattern for a dialect.
func Translate(p *filterpattern.Pattern, d Dialect) (*Translation, error) {
	if p == nil {
		return nil, errors.New("sqlpattern: nil pattern")
	}
	if d < Athena || d > DuckDB {
		return nil, fmt.Errorf("sqlpattern: unknown dialect %d", d)
	}
	t := &Translation{Dialect: d}
	if p.Kind != filterpattern.KindJSON {
		// Terms, %regex% and space-delimited patterns read the raw text
		// of the event, which neither table holds as it was written.
		t.Where = "TRUE"
		t.Reasons = []Reason{{Condition: p.String(), Why: fmt.Sprintf("a %s pattern matches the raw text of an event; the %s holds parsed fields, so every record is a candidate", p.Kind, d.tableName())}}
		return t, nil
	}
	c := &compiler{d: d, root: d.table()}
	e := c.expr(p.JSON)
	t.Where = e.sql()
	t.Reasons = c.reasons
	t.Exact = len(c.reasons) == 0
	t.rebuildGap = c.arrays
	if d == Lake {
		// The scan reads Lake's eventjson, the record itself: every
		// condition can be judged again on it.
		for i := range t.Reasons {
			t.Reasons[i].Rebuildable = true
		}
		t.rebuildGap = false
	}
	return t, nil
}

// pred is a SQL predicate, with TRUE and FALSE kept apart so && and ||
// simplify around conditions that translate to a constant.
type pred struct {
	text string
	c    int // 0: text; 1: TRUE; -1: FALSE
	or   bool
}

var (
	predTrue  = pred{c: 1}
	predFalse = pred{c: -1}
)

func (p pred) sql() string {
	switch p.c {
	case 1:
		return "TRUE"
	case -1:
		return "FALSE"
	}
	return p.text
}

func and(a, b pred) pred {
	switch {
	case a.c == -1 || b.c == -1:
		return predFalse
	case a.c == 1:
		return b
	case b.c == 1:
		return a
	}
	return pred{text: paren(a) + " AND " + paren(b)}
}

func or(a, b pred) pred {
	switch {
	case a.c == 1 || b.c == 1:
		return predTrue
	case a.c == -1:
		return b
	case b.c == -1:
		return a
	}
	return pred{text: a.text + " OR " + b.text, or: true}
}

// paren wraps an OR chain that sits under an AND.
func paren(p pred) string {
	if p.or {
		return "(" + p.text + ")"
	}
	return p.text
}

type compiler struct {
	d       Dialect
	root    *field
	reasons []Reason
	arrays  bool // some condition reads an array column
}

func (c *compiler) expr(e filterpattern.Expr) pred {
	switch e := e.(type) {
	case *filterpattern.Binary:
		l, r := c.expr(e.Left), c.expr(e.Right)
		if e.Op == filterpattern.OpOr {
			return or(l, r)
		}
		return and(l, r)
	case *filterpattern.Condition:
		return c.cond(e)
	}
	// The parser builds only the two node types; anything else is a
	// future node this compiler does not know: every record stays a
	// candidate.
	c.approx(fmt.Sprintf("%T", e), "an expression this compiler does not know", false)
	return predTrue
}

func (c *compiler) approx(cond, why string, rebuildable bool) {
	c.reasons = append(c.reasons, Reason{Condition: cond, Why: why, Rebuildable: rebuildable})
}

// condText prints one condition in the canonical form.
func condText(cond *filterpattern.Condition) string {
	p := &filterpattern.Pattern{Kind: filterpattern.KindJSON, JSON: cond}
	s := p.String()
	return strings.TrimSuffix(strings.TrimPrefix(s, "{ "), " }")
}

// cond compiles one condition. Every branch returns a predicate that is
// TRUE whenever the engine's condition holds, and says so in a Reason when
// it may also be TRUE when the condition does not hold.
func (c *compiler) cond(cond *filterpattern.Condition) pred {
	text := condText(cond)
	if cond.Selector == nil {
		c.approx(text, "a condition without a selector", false)
		return predTrue
	}
	r := c.resolve(cond.Selector.Steps)
	if r.why != "" {
		c.approx(text, r.why, false)
		return predTrue
	}
	if r.anyOf != nil {
		return c.anyElement(text, cond, r)
	}
	return c.onTarget(text, cond, r.f, r.expr, r.rest)
}

// target is where a selector lands in the table.
type target struct {
	f    *field
	expr string
	// rest are the steps left inside a JSON text or map column.
	rest []filterpattern.Step
	// anyOf is set for $.resources[*]...: the array, and the element's
	// steps below it.
	anyOf *field
	why   string
}

func (c *compiler) resolve(steps []filterpattern.Step) target {
	f := c.root
	expr := ""
	for i, st := range steps {
		switch f.kind {
		case kindJSONText, kindMap:
			return target{f: f, expr: expr, rest: steps[i:]}
		case kindStruct:
			if st.Kind != filterpattern.StepField {
				return target{why: fmt.Sprintf("a wildcard or index on an object: the %s has no column for every member a record may hold", c.d.tableName())}
			}
			m := f.member(st.Name)
			if m == nil {
				return target{why: fmt.Sprintf("%q is not a column of the %s (keys are case-sensitive)", st.Name, c.d.tableName())}
			}
			if expr == "" {
				expr = ident(m.sqlName())
			} else {
				expr += "." + ident(m.sqlName())
			}
			f = m
		case kindArray:
			c.arrays = true
			switch st.Kind {
			case filterpattern.StepIndex:
				expr = c.d.elementAt(expr, st.Index)
				f = &field{kind: kindStruct, members: f.members}
			case filterpattern.StepAnyIndex:
				return target{f: f, expr: expr, anyOf: f, rest: steps[i+1:]}
			default:
				return target{why: "a member selector on an array: the engine finds no member there, the table may"}
			}
		default:
			return target{why: fmt.Sprintf("a selector below a field the %s holds as a scalar", c.d.tableName())}
		}
	}
	return target{f: f, expr: expr}
}

// anyElement compiles $.array[*].member...: TRUE when some element
// satisfies the condition, as the engine's wildcard does.
func (c *compiler) anyElement(text string, cond *filterpattern.Condition, r target) pred {
	if cond.Op == filterpattern.OpNotExists {
		c.approx(text, "NOT EXISTS under a wildcard: absent from every element, which the table cannot tell from null", false)
		return predTrue
	}
	sub := &compiler{d: c.d, root: &field{kind: kindStruct, members: r.anyOf.members}}
	er := sub.resolve(r.rest)
	if len(r.rest) == 0 || er.why != "" || er.anyOf != nil || len(er.rest) > 0 {
		c.approx(text, "a wildcard selector this compiler does not follow", false)
		return predTrue
	}
	inner := sub.onTarget(text, cond, er.f, "x."+er.expr, nil)
	c.reasons = append(c.reasons, sub.reasons...)
	if inner.c != 0 {
		if inner.c == 1 {
			// Some element must exist for the engine to match.
			return pred{text: c.d.nonEmpty(r.expr)}
		}
		return predFalse
	}
	return pred{text: c.d.anyMatch(r.expr, "x", inner.sql())}
}

// onTarget compiles a condition on the column or member f (SQL expr), with
// steps rest left inside it (JSON text or map columns).
func (c *compiler) onTarget(text string, cond *filterpattern.Condition, f *field, expr string, rest []filterpattern.Step) pred {
	switch f.kind {
	case kindString:
		return c.onString(text, cond, expr)
	case kindBool:
		return c.onBool(text, cond, expr)
	case kindStruct, kindArray, kindOpaque:
		if cond.Op == filterpattern.OpNotExists {
			// Objects and arrays CloudTrail writes are never null.
			return pred{text: expr + " IS NULL"}
		}
		c.approx(text, "a comparison on an object or array, which the table keeps as a structure", false)
		return predTrue
	case kindTimestamp:
		c.approx(text, "the "+c.d.tableName()+" holds this field as a TIMESTAMP, not as the text the record carries", false)
		return predTrue
	case kindJSONText, kindMap:
		return c.inCallerData(text, cond, f, expr, rest)
	}
	c.approx(text, "a column kind this compiler does not know", false)
	return predTrue
}

// onString compiles a condition on a field CloudTrail writes as a string,
// never null. The engine compares strings byte for byte after unescaping,
// as the table's SerDe does; SQL = on VARCHAR is the same test.
func (c *compiler) onString(text string, cond *filterpattern.Condition, e string) pred {
	v := cond.Value
	switch cond.Op {
	case filterpattern.OpNotExists:
		return pred{text: e + " IS NULL"}
	case filterpattern.OpIsNull:
		c.approx(text, "IS NULL: the table stores a JSON null and a missing field alike as NULL", false)
		return pred{text: e + " IS NULL"}
	case filterpattern.OpIsTrue, filterpattern.OpIsFalse:
		c.approx(text, "IS TRUE/IS FALSE need a JSON boolean; the table holds this field as text", false)
		return pred{text: e + " IS NOT NULL"}
	}
	switch v.Kind {
	case filterpattern.ValueNumber:
		c.approx(text, "a numeric comparison on a column that holds numbers and strings alike as text", false)
		return pred{text: c.d.toDouble(e) + " " + sqlOp(cond.Op) + " " + number(v.Num)}
	case filterpattern.ValueRegex:
		c.approx(text, "a %regex%: SQL regular expressions are not proven to agree with RE2, so any present value is a candidate", true)
		return pred{text: e + " IS NOT NULL"}
	case filterpattern.ValueString:
	default:
		c.approx(text, "a value kind this compiler does not know", false)
		return predTrue
	}
	if strings.ContainsRune(v.Str, '\uFFFD') {
		// The engine turns a lone surrogate escape into U+FFFD; a Java
		// SerDe keeps the surrogate. Equal here, different there.
		c.approx(text, "the value holds U+FFFD, which the engine and the SerDe decode differently", true)
		return pred{text: e + " IS NOT NULL"}
	}
	switch cond.Op {
	case filterpattern.OpEq:
		if !strings.Contains(v.Str, "*") {
			return pred{text: e + " = " + literal(v.Str)}
		}
		if strings.Trim(v.Str, "*") == "" {
			// * is any string: present.
			return pred{text: e + " IS NOT NULL"}
		}
		c.approx(text, "a wildcard: SQL tests that each literal piece occurs (in order unchecked)", true)
		return c.pieces(e, v.Str)
	case filterpattern.OpNe:
		if !strings.Contains(v.Str, "*") {
			// A missing field fails != in the engine; NULL <> 'x' is
			// not TRUE either.
			return pred{text: e + " <> " + literal(v.Str)}
		}
		if strings.Trim(v.Str, "*") == "" {
			return predFalse
		}
		c.approx(text, "!= with a wildcard: any present value is a candidate", true)
		return pred{text: e + " IS NOT NULL"}
	}
	c.approx(text, "a relational operator needs a number", false)
	return predTrue
}

// pieces is a necessary condition for a wildcard match: the first piece
// starts the value when the pattern does not start with *, and every piece
// occurs somewhere.
func (c *compiler) pieces(e, glob string) pred {
	segs := strings.Split(glob, "*")
	p := pred{text: e + " IS NOT NULL"}
	for i, s := range segs {
		if s == "" {
			continue
		}
		if i == 0 {
			p = and(p, pred{text: c.d.startsWith(e, s)})
			continue
		}
		p = and(p, pred{text: c.d.contains(e, s)})
	}
	return p
}

func (c *compiler) onBool(text string, cond *filterpattern.Condition, e string) pred {
	switch cond.Op {
	case filterpattern.OpIsTrue:
		return pred{text: c.d.isBool(e, true)}
	case filterpattern.OpIsFalse:
		return pred{text: c.d.isBool(e, false)}
	case filterpattern.OpNotExists:
		return pred{text: e + " IS NULL"}
	}
	// The engine compares strings and numbers only: against a JSON
	// boolean every other operator is false.
	c.approx(text, "a comparison on a field CloudTrail writes as a boolean", false)
	return predTrue
}

// inCallerData compiles a condition inside requestParameters and the like:
// caller data, stored as JSON text (Athena) or a string map (Lake), with
// no contract on types or nulls.
func (c *compiler) inCallerData(text string, cond *filterpattern.Condition, f *field, col string, rest []filterpattern.Step) pred {
	where := fmt.Sprintf("inside %s, a %s column of caller data", f.json, map[bool]string{true: "map<string,string>", false: "JSON text"}[f.kind == kindMap])
	if len(rest) == 0 {
		if cond.Op == filterpattern.OpNotExists || cond.Op == filterpattern.OpIsNull {
			c.approx(text, "NOT EXISTS / IS NULL on "+f.json+": the table stores null and missing alike as NULL", false)
			return pred{text: col + " IS NULL"}
		}
		c.approx(text, "a comparison on the whole of "+f.json, false)
		return predTrue
	}
	var e string
	if f.kind == kindMap {
		if len(rest) != 1 || rest[0].Kind != filterpattern.StepField {
			c.approx(text, "a path below one level "+where+", whose values are flattened to text", false)
			return pred{text: col + " IS NOT NULL"}
		}
		e = c.d.mapValue(col, rest[0].Name)
	} else {
		names := make([]string, len(rest))
		idx := make([]int, len(rest))
		for i, st := range rest {
			switch st.Kind {
			case filterpattern.StepField:
				names[i], idx[i] = st.Name, -1
			case filterpattern.StepIndex:
				idx[i] = st.Index
			default:
				c.approx(text, "a wildcard "+where, true)
				return pred{text: col + " IS NOT NULL"}
			}
		}
		path, ok := c.d.jsonPath(names, idx)
		if !ok {
			c.approx(text, "a key the JSON path syntax cannot carry "+where, true)
			return pred{text: col + " IS NOT NULL"}
		}
		e = c.d.jsonScalar(col, path)
	}
	rebuild := f.kind == kindJSONText
	v := cond.Value
	switch {
	case cond.Op == filterpattern.OpNotExists, cond.Op == filterpattern.OpIsNull,
		cond.Op == filterpattern.OpIsTrue, cond.Op == filterpattern.OpIsFalse:
		c.approx(text, "NOT EXISTS, IS NULL, IS TRUE and IS FALSE "+where+": JSON types and nulls are not visible to a scalar extraction", rebuild)
		return predTrue
	case v.Kind == filterpattern.ValueNumber:
		c.approx(text, "a numeric comparison "+where, rebuild)
		return pred{text: c.d.toDouble(e) + " " + sqlOp(cond.Op) + " " + number(v.Num)}
	case v.Kind == filterpattern.ValueString && cond.Op == filterpattern.OpEq && !strings.Contains(v.Str, "*") &&
		!looksNumeric(v.Str) && !strings.ContainsRune(v.Str, '\uFFFD'):
		c.approx(text, "equality "+where+": the extraction is not proven to agree with the engine on every JSON text", rebuild)
		return pred{text: e + " = " + literal(v.Str)}
	case v.Kind == filterpattern.ValueString && cond.Op == filterpattern.OpNe && !strings.Contains(v.Str, "*"):
		c.approx(text, "!= "+where+": a JSON boolean reads as its text", rebuild)
		return pred{text: e + " <> " + literal(v.Str)}
	case v.Kind == filterpattern.ValueString && cond.Op == filterpattern.OpEq && strings.Trim(v.Str, "*") != "" &&
		!strings.ContainsRune(v.Str, '\uFFFD'):
		c.approx(text, "a wildcard "+where, rebuild)
		return c.pieces(e, v.Str)
	}
	c.approx(text, "a comparison "+where+" that SQL does not narrow", rebuild)
	return pred{text: col + " IS NOT NULL"}
}

// looksNumeric reports whether a string value could equal the text of a
// JSON number, which an extraction may normalise (1.50 read as 1.5).
func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789+-.eE", r) {
			return false
		}
	}
	return true
}

func sqlOp(op filterpattern.CompareOp) string {
	switch op {
	case filterpattern.OpEq:
		return "="
	case filterpattern.OpNe:
		return "<>"
	case filterpattern.OpLt:
		return "<"
	case filterpattern.OpLe:
		return "<="
	case filterpattern.OpGt:
		return ">"
	case filterpattern.OpGe:
		return ">="
	}
	return "="
}
