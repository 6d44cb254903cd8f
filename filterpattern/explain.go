package filterpattern

import (
	"fmt"
	"strconv"
	"strings"
)

// Explain reads the pattern in plain English, with the AWS rules a reader
// is most likely to get wrong spelled out: a comparison on a field that is
// missing never matches (not even !=), ?-terms are ignored next to plain
// terms, the last space-delimited field takes the rest of the line.
func Explain(p *Pattern) string {
	switch p.Kind {
	case KindTerms:
		return explainTerms(p.Terms)
	case KindRegex:
		return "matches events in which the regular expression " + regexText(p.Regex) + " finds a match anywhere in the message (case-sensitive)"
	case KindJSON:
		return "matches JSON events where " + explainExpr(p.JSON, 0, false) + jsonCaveats(p.JSON)
	case KindDelimited:
		return explainDelimited(p.Delimited)
	}
	return "matches nothing (unknown pattern kind)"
}

// jsonCaveats names the AWS rules that surprise readers, for the operators
// the pattern uses.
func jsonCaveats(e Expr) string {
	var cmp, ne bool
	var walk func(Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case *Binary:
			walk(e.Left)
			walk(e.Right)
		case *Condition:
			switch e.Op {
			case OpIsNull, OpIsTrue, OpIsFalse, OpNotExists:
			case OpNe:
				cmp, ne = true, true
			default:
				cmp = true
			}
		}
	}
	walk(e)
	s := ""
	switch {
	case ne:
		s = "; a comparison on a missing field, or on an object or array, does not match (not even !=)"
	case cmp:
		s = "; a comparison on a missing field, or on an object or array, does not match"
	}
	return s + "; events that are not JSON never match"
}

func explainTerms(terms []Term) string {
	if len(terms) == 0 {
		return "matches every event"
	}
	var must, not, any []string
	for _, t := range terms {
		q := strconv.Quote(t.Text)
		switch t.Prefix {
		case PrefixExclude:
			not = append(not, q)
		case PrefixOptional:
			any = append(any, q)
		default:
			must = append(must, q)
		}
	}
	if len(must) == 0 && len(not) == 0 {
		return "matches events that contain at least one of " + englishList(any, "or") + " (case-sensitive)"
	}
	var parts []string
	if len(must) > 0 {
		parts = append(parts, "contain "+englishList(must, "and"))
	}
	if len(not) > 0 {
		parts = append(parts, "do not contain "+englishList(not, "or"))
	}
	s := "matches events that " + strings.Join(parts, " and ") + " (case-sensitive, anywhere in the message)"
	if len(any) > 0 {
		s += "; the ?-terms " + englishList(any, "and") + " are ignored because the pattern also has terms without ?"
	}
	return s
}

// list joins items as "a", "a and b" or "a, b and c".
func englishList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// explainExpr renders e; parent is the enclosing operator.
// With field set (space-delimited entries) the subject of each condition is
// left out: the caller has already named the field.
func explainExpr(e Expr, parent LogicalOp, field bool) string {
	switch e := e.(type) {
	case *Binary:
		var parts []string
		flattenExplain(e, e.Op, &parts, field)
		if e.Op == OpAnd {
			return strings.Join(parts, ", and ")
		}
		s := strings.Join(parts, ", or ")
		if parent == OpAnd {
			return "either " + s
		}
		return s
	case *Condition:
		return explainCond(e, field)
	}
	return ""
}

func flattenExplain(e Expr, op LogicalOp, parts *[]string, field bool) {
	if b, ok := e.(*Binary); ok && b.Op == op {
		flattenExplain(b.Left, op, parts, field)
		flattenExplain(b.Right, op, parts, field)
		return
	}
	s := explainExpr(e, op, field)
	if _, ok := e.(*Binary); ok {
		// The other operator below this one: group it so that the
		// reading has one meaning.
		s = "(" + s + ")"
	}
	*parts = append(*parts, s)
}

func explainCond(c *Condition, field bool) string {
	s := explainCondWith(c, "SUBJ")
	if field {
		s = strings.TrimPrefix(s, "SUBJ ")
		// A delimited field always exists once the line has enough fields.
		s = strings.Replace(s, "exists and ", "", 1)
		return s
	}
	return strings.Replace(s, "SUBJ", selectorText(c.Selector), 1)
}

func explainCondWith(c *Condition, subj string) string {
	switch c.Op {
	case OpIsNull:
		return subj + " is null"
	case OpIsTrue:
		return subj + " is true (a JSON boolean)"
	case OpIsFalse:
		return subj + " is false (a JSON boolean)"
	case OpNotExists:
		return subj + " does not exist"
	}
	v := c.Value
	switch v.Kind {
	case ValueRegex:
		if c.Op == OpNe {
			return subj + " exists and does not match " + regexText(v.Regex)
		}
		return subj + " matches " + regexText(v.Regex)
	case ValueNumber:
		rel := map[CompareOp]string{
			OpEq: "equals", OpNe: "exists and is not", OpLt: "is less than", OpLe: "is at most",
			OpGt: "is greater than", OpGe: "is at least",
		}[c.Op]
		return subj + " " + rel + " " + v.Str
	}
	if v.Str == "*" {
		if c.Op == OpNe {
			return subj + " != * (never true: every string or number matches *)"
		}
		return subj + " exists and is a string or number (any value)"
	}
	if strings.Contains(v.Str, "*") {
		if c.Op == OpNe {
			return fmt.Sprintf("%s exists and does not match %q (* is any run of characters)", subj, v.Str)
		}
		return fmt.Sprintf("%s matches %q (* is any run of characters)", subj, v.Str)
	}
	if c.Op == OpNe {
		return fmt.Sprintf("%s exists and is not %q", subj, v.Str)
	}
	return fmt.Sprintf("%s is exactly %q", subj, v.Str)
}

// selectorText is the selector as a reader would say it: the path without
// "$.", with wildcards spelled out.
func selectorText(s *Selector) string {
	path := strings.TrimPrefix(s.String(), "$")
	path = strings.TrimPrefix(path, ".")
	if hasWildcardStep(s.Steps) {
		return "some value at " + path
	}
	return path
}

func regexText(r *Regex) string { return "%" + r.Source + "%" }

func explainDelimited(fields []Field) string {
	ellipsis := -1
	for i, f := range fields {
		if f.Ellipsis {
			ellipsis = i
		}
	}
	var b strings.Builder
	n := len(fields)
	if ellipsis >= 0 {
		n--
	}
	fmt.Fprintf(&b, "matches events with at least %d space-separated field%s (text in double quotes or square brackets is one field)", n, pluralS(n))
	var conds []string
	for i, f := range fields {
		if f.Cond == nil {
			continue
		}
		pos := ""
		switch {
		case ellipsis < 0 || i < ellipsis:
			pos = "field " + strconv.Itoa(i+1)
		default:
			from := len(fields) - i
			if from == 1 {
				pos = "the last field"
			} else {
				pos = fmt.Sprintf("field %d from the end", from)
			}
		}
		conds = append(conds, pos+" ("+f.Name+") "+explainExpr(f.Cond, 0, true))
	}
	if len(conds) > 0 {
		b.WriteString(" where " + strings.Join(conds, "; and "))
	}
	switch {
	case ellipsis >= 0:
		b.WriteString("; ... stands for any number of fields")
	case n > 0:
		b.WriteString("; the last entry takes the rest of the line")
	}
	return b.String()
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
