package filterpattern

import (
	"strconv"
	"strings"
)

// String returns the canonical form of the pattern: parsing it gives the
// same tree, and printing that gives the same text.
//
//   - terms: single spaces between terms; a term is quoted when it was
//     written quoted or needs quotes;
//   - JSON: { $.a = "x" && ($.b NOT EXISTS || $.c != 1) }: one space around
//     operators and inside the braces, strings always double-quoted, numbers
//     as written, parentheses only where || sits under &&;
//   - space-delimited: [ip, user, ..., status_code=4* && status_code!=403],
//     the layout of AWS's examples; values keep their quoting.
//
// The empty pattern (match everything) prints as "".
func (p *Pattern) String() string {
	var b strings.Builder
	switch p.Kind {
	case KindTerms:
		for i, t := range p.Terms {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeTerm(&b, t)
		}
	case KindRegex:
		writeRegex(&b, p.Regex)
	case KindJSON:
		b.WriteString("{ ")
		writeExpr(&b, p.JSON, 0)
		b.WriteString(" }")
	case KindDelimited:
		b.WriteByte('[')
		for i, f := range p.Delimited {
			if i > 0 {
				b.WriteString(", ")
			}
			writeField(&b, f)
		}
		b.WriteByte(']')
	}
	return b.String()
}

func writeTerm(b *strings.Builder, t Term) {
	switch t.Prefix {
	case PrefixExclude:
		b.WriteByte('-')
	case PrefixOptional:
		b.WriteByte('?')
	}
	if t.Quoted || !isBareTerm(t.Text) {
		writeQuoted(b, t.Text)
		return
	}
	b.WriteString(t.Text)
}

func isBareTerm(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTermByte(s[i]) {
			return false
		}
	}
	return true
}

// writeQuoted writes s in double quotes, escaping '"' and '\'.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

func writeRegex(b *strings.Builder, r *Regex) {
	b.WriteByte('%')
	b.WriteString(r.Source)
	b.WriteByte('%')
}

// writeExpr prints e; parent is the operator of the enclosing Binary (0 at
// the top). Chains are left-deep (see joinExpr), so only an || below an &&
// needs parentheses.
func writeExpr(b *strings.Builder, e Expr, parent LogicalOp) {
	switch e := e.(type) {
	case *Binary:
		paren := parent == OpAnd && e.Op == OpOr
		if paren {
			b.WriteByte('(')
		}
		writeExpr(b, e.Left, e.Op)
		if e.Op == OpAnd {
			b.WriteString(" && ")
		} else {
			b.WriteString(" || ")
		}
		writeExpr(b, e.Right, e.Op)
		if paren {
			b.WriteByte(')')
		}
	case *Condition:
		if e.Selector != nil {
			b.WriteString(e.Selector.String())
			writeCondTail(b, e, true)
			return
		}
		b.WriteString(e.Field)
		writeCondTail(b, e, false)
	}
}

// writeCondTail writes the operator and value; spaced for JSON, tight for
// space-delimited entries.
func writeCondTail(b *strings.Builder, c *Condition, json bool) {
	switch c.Op {
	case OpIsNull, OpIsTrue, OpIsFalse, OpNotExists:
		b.WriteByte(' ')
		b.WriteString(operatorText(c.Op))
		return
	}
	if json {
		b.WriteByte(' ')
	}
	b.WriteString(operatorText(c.Op))
	if json {
		b.WriteByte(' ')
	}
	writeValue(b, c.Value, json)
}

func writeValue(b *strings.Builder, v Value, json bool) {
	switch v.Kind {
	case ValueNumber:
		b.WriteString(v.Str)
	case ValueRegex:
		writeRegex(b, v.Regex)
	case ValueString:
		if json || v.Quoted || !isBareValue(v.Str) {
			writeQuoted(b, v.Str)
			return
		}
		b.WriteString(v.Str)
	}
}

// isBareValue reports whether s can be written unquoted and read back as
// the same string (not as a number, not as the ellipsis).
func isBareValue(s string) bool {
	if s == "" || s == "..." {
		return false
	}
	if _, ok := parseNumberLiteral(s); ok {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareByte(s[i]) {
			return false
		}
	}
	return true
}

func writeField(b *strings.Builder, f Field) {
	switch {
	case f.Ellipsis:
		b.WriteString("...")
	case f.Cond != nil:
		writeExpr(b, f.Cond, 0)
	default:
		b.WriteString(f.Name)
	}
}

// String prints the selector: $.a.b[0][*].*.['x.y'].
func (s *Selector) String() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, st := range s.Steps {
		switch st.Kind {
		case StepField:
			if st.Bracket || !isSelectorName(st.Name) {
				b.WriteString(".['")
				b.WriteString(st.Name)
				b.WriteString("']")
			} else {
				b.WriteByte('.')
				b.WriteString(st.Name)
			}
		case StepIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(st.Index))
			b.WriteByte(']')
		case StepAnyIndex:
			b.WriteString("[*]")
		case StepAnyField:
			b.WriteString(".*")
		}
	}
	return b.String()
}

func isSelectorName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

// operatorText is the source spelling of a comparison operator.
func operatorText(op CompareOp) string {
	switch op {
	case OpEq:
		return "="
	case OpNe:
		return "!="
	case OpLt:
		return "<"
	case OpLe:
		return "<="
	case OpGt:
		return ">"
	case OpGe:
		return ">="
	case OpIsNull:
		return "IS NULL"
	case OpIsTrue:
		return "IS TRUE"
	case OpIsFalse:
		return "IS FALSE"
	case OpNotExists:
		return "NOT EXISTS"
	}
	return "?"
}
