package filterpattern

// Space-delimited pattern grammar (spec §5.1):
//
//	pattern = "[" entry { "," entry } "]"
//	entry   = "" | "..." | name [ cond { ("&&" | "||") cond } ]
//	cond    = name op value        (name is the entry's own name)
//
// An empty entry is an unnamed field (the trailing ",]" of AWS's own
// example). && binds tighter than ||, as in JSON patterns.

func parseDelimited(src string, lead int) (*Pattern, error) {
	p, err := newParser(src, lead)
	if err != nil {
		return nil, err
	}
	if err := p.expect(tokLBracket, "at the start of a space-delimited pattern"); err != nil {
		return nil, err
	}
	var fields []Field
	ellipsis := -1
	for {
		f, err := p.delimitedEntry()
		if err != nil {
			return nil, err
		}
		if f.Ellipsis {
			if ellipsis >= 0 {
				return nil, errAt(src, f.Pos, "", `a space-delimited pattern may hold "..." only once`)
			}
			ellipsis = len(fields)
		}
		fields = append(fields, f)
		if p.tok.kind == tokRBracket {
			break
		}
		if p.tok.kind != tokComma {
			return nil, p.unexpected(`"," or "]"`, "after field")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected("end of pattern", `after the closing "]"`)
	}
	return &Pattern{Kind: KindDelimited, Source: src, Delimited: fields}, nil
}

func (p *parser) delimitedEntry() (Field, error) {
	t := p.tok
	switch t.kind {
	case tokComma, tokRBracket:
		return Field{Pos: t.pos}, nil
	case tokWord:
	default:
		return Field{}, p.unexpected("field name, \"...\" or \",\"", "in space-delimited pattern")
	}
	if t.text == "..." {
		return Field{Ellipsis: true, Pos: t.pos}, p.advance()
	}
	if err := p.checkFieldName(t); err != nil {
		return Field{}, err
	}
	if err := p.advance(); err != nil {
		return Field{}, err
	}
	f := Field{Name: t.text, Pos: t.pos}
	if p.tok.kind != tokOp {
		return f, nil
	}
	first, err := p.delimitedCondRest(t)
	if err != nil {
		return Field{}, err
	}
	cond, err := p.delimitedOr(f.Name, first)
	if err != nil {
		return Field{}, err
	}
	f.Cond = cond
	return f, nil
}

func (p *parser) checkFieldName(t token) error {
	for i := 0; i < len(t.text); i++ {
		if !isNameByte(t.text[i]) {
			return errAt(p.src(), t.pos+i, "field name", "field name %q may hold only letters, digits, _ and -", t.text)
		}
	}
	return nil
}

// delimitedOr parses the rest of an entry's condition list after its first
// condition, with && binding tighter than ||.
func (p *parser) delimitedOr(name string, first Expr) (Expr, error) {
	left, err := p.delimitedAnd(name, first)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOr {
		if err := p.advance(); err != nil {
			return nil, err
		}
		c, err := p.delimitedCond(name)
		if err != nil {
			return nil, err
		}
		right, err := p.delimitedAnd(name, c)
		if err != nil {
			return nil, err
		}
		left = joinExpr(OpOr, left, right)
	}
	return left, nil
}

func (p *parser) delimitedAnd(name string, left Expr) (Expr, error) {
	for p.tok.kind == tokAnd {
		if err := p.advance(); err != nil {
			return nil, err
		}
		c, err := p.delimitedCond(name)
		if err != nil {
			return nil, err
		}
		left = joinExpr(OpAnd, left, c)
	}
	return left, nil
}

// delimitedCond parses "name op value" where name must be the entry's own:
// AWS rejects [..., status_code = 4* && bytes > 1000].
func (p *parser) delimitedCond(name string) (Expr, error) {
	t := p.tok
	if t.kind != tokWord {
		return nil, p.unexpected("condition on field "+name, `after "&&" or "||"`)
	}
	if t.text != name {
		return nil, errAt(p.src(), t.pos, "condition on field "+name, "conditions of one entry must all test that entry's field %q, found %q; give each field its own entry", name, t.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return p.delimitedCondRest(t)
}

// delimitedCondRest parses "op value" after the field name token t.
func (p *parser) delimitedCondRest(t token) (Expr, error) {
	if p.tok.kind != tokOp {
		return nil, p.unexpected("operator (=, !=, <, <=, >, >=)", "after field "+t.text)
	}
	op := p.tok.op
	if err := p.advance(); err != nil {
		return nil, err
	}
	v, err := p.value(op, t.text)
	if err != nil {
		return nil, err
	}
	return &Condition{Field: t.text, Op: op, Value: v, Pos: t.pos}, nil
}
