package filterpattern

// JSON pattern grammar (spec §4.1); && binds tighter than ||, whitespace
// between tokens is optional, keywords are upper case:
//
//	pattern   = "{" expr "}"
//	expr      = and { "||" and }
//	and       = unary { "&&" unary }
//	unary     = "(" expr ")" | condition
//	condition = selector op value | selector "IS" ("NULL"|"TRUE"|"FALSE")
//	          | selector "NOT" "EXISTS"

func parseJSON(src string, lead int) (*Pattern, error) {
	p, err := newParser(src, lead)
	if err != nil {
		return nil, err
	}
	if err := p.expect(tokLBrace, "at the start of a JSON pattern"); err != nil {
		return nil, err
	}
	if p.tok.kind == tokRBrace {
		return nil, p.unexpected("selector such as $.eventName", "in JSON pattern")
	}
	e, err := p.jsonOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokRBrace {
		return nil, p.unexpected(`"&&", "||" or "}"`, "after condition")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected("end of pattern", `after the closing "}"`)
	}
	return &Pattern{Kind: KindJSON, Source: src, JSON: e}, nil
}

func (p *parser) jsonOr() (Expr, error) {
	left, err := p.jsonAnd()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOr {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.jsonAnd()
		if err != nil {
			return nil, err
		}
		left = joinExpr(OpOr, left, right)
	}
	return left, nil
}

func (p *parser) jsonAnd() (Expr, error) {
	left, err := p.jsonUnary()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokAnd {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.jsonUnary()
		if err != nil {
			return nil, err
		}
		left = joinExpr(OpAnd, left, right)
	}
	return left, nil
}

func (p *parser) jsonUnary() (Expr, error) {
	if p.tok.kind != tokLParen {
		return p.jsonCondition()
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	e, err := p.jsonOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokRParen {
		return nil, p.unexpected(`"&&", "||" or ")"`, "in parenthesized expression")
	}
	return e, p.advance()
}

func (p *parser) jsonCondition() (Expr, error) {
	t := p.tok
	switch t.kind {
	case tokSelector:
	case tokWord:
		return nil, errAt(p.src(), t.pos, "selector starting with $.", "selector %q must start with \"$.\" (write $.%s)", t.text, t.text)
	default:
		return nil, p.unexpected("selector such as $.eventName or \"(\"", "")
	}
	sel := t.sel
	if hasWildcardStep(sel.Steps) {
		p.wildSels++
		if p.wildSels > MaxWildcardSelectors {
			return nil, errAt(p.src(), t.pos, "", "a pattern may hold at most %d selectors with a wildcard ([*] or .*)", MaxWildcardSelectors)
		}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	c := &Condition{Selector: sel, Pos: t.pos}
	switch {
	case p.tok.kind == tokOp:
		c.Op = p.tok.op
		if err := p.advance(); err != nil {
			return nil, err
		}
		v, err := p.value(c.Op, t.text)
		if err != nil {
			return nil, err
		}
		c.Value = v
		return c, nil
	case p.isKeyword("IS"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch {
		case p.isKeyword("NULL"):
			c.Op = OpIsNull
		case p.isKeyword("TRUE"):
			c.Op = OpIsTrue
		case p.isKeyword("FALSE"):
			c.Op = OpIsFalse
		case p.isKeyword("NOT"):
			return nil, errAt(p.src(), p.tok.pos, "NULL, TRUE or FALSE", "IS NOT is not supported; to test that a field is absent write %s NOT EXISTS", t.text)
		default:
			return nil, p.unexpected("NULL, TRUE or FALSE", "after IS")
		}
		return c, p.advance()
	case p.isKeyword("NOT"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.isKeyword("EXISTS") {
			return nil, p.unexpected("EXISTS", "after NOT")
		}
		c.Op = OpNotExists
		return c, p.advance()
	case p.isKeyword("EXISTS"):
		return nil, errAt(p.src(), p.tok.pos, "operator", "EXISTS is not supported; to test that %s is present write %s = \"*\" (a string or number) or use NOT EXISTS for absence", t.text, t.text)
	}
	want := "operator (=, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS)"
	if p.tok.kind == tokWord && isUpperKeyword(p.tok.text) {
		return nil, errAt(p.src(), p.tok.pos, want, "expected %s after selector %s, found %s (keywords are upper case)", want, t.text, p.found())
	}
	return nil, errAt(p.src(), p.tok.pos, want, "expected %s after selector %s, found %s", want, t.text, p.found())
}

// isUpperKeyword reports whether w is a keyword written in the wrong case.
func isUpperKeyword(w string) bool {
	switch w {
	case "is", "Is", "not", "Not", "exists", "Exists", "null", "Null", "true", "True", "false", "False":
		return true
	}
	return false
}

// join builds left op right. Chains of one operator are kept left-deep
// whatever the source's parentheses ((a || (b || c)) is a || b || c), so
// that equal meaning gives equal trees and the printer needs parentheses
// only for || under &&.
func joinExpr(op LogicalOp, left, right Expr) Expr {
	if b, ok := right.(*Binary); ok && b.Op == op {
		return joinExpr(op, joinExpr(op, left, b.Left), b.Right)
	}
	return &Binary{Op: op, Left: left, Right: right, Pos: left.Offset()}
}
