package filterpattern

import (
	"strings"
	"unicode/utf8"
)

// Parse parses a CloudWatch Logs filter pattern. The family is chosen, as
// AWS does, from the first non-blank character: '{' JSON, '[' space-
// delimited, '%' a standalone regular expression, anything else
// unstructured terms. A pattern CloudWatch Logs would reject yields a
// *SyntaxError that says where and what was expected.
func Parse(src string) (*Pattern, error) {
	if !utf8.ValidString(src) {
		// The API takes patterns as JSON strings, which cannot carry it.
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, errAt(src, off, "", "pattern is not valid UTF-8")
	}
	if err := checkLength(src); err != nil {
		return nil, err
	}
	return parseUnlimited(src)
}

// parseUnlimited parses without the length limit. The canonical form of a
// pattern near 1024 characters can be longer than its source (spaces around
// operators, quotes around bare values); round-trip tests reparse it here.
func parseUnlimited(src string) (*Pattern, error) {
	body := strings.TrimLeft(src, " \t\r\n")
	lead := len(src) - len(body)
	if body == "" {
		return &Pattern{Kind: KindTerms, Source: src}, nil
	}
	switch body[0] {
	case '{':
		if !strings.HasSuffix(strings.TrimRight(body, " \t\r\n"), "}") {
			// AWS's own message for this mistake.
			return nil, errAt(src, len(strings.TrimRight(src, " \t\r\n")), `"}"`, "If a filter pattern starts with '{' it must end with '}'")
		}
		return parseJSON(src, lead)
	case '[':
		if !strings.HasSuffix(strings.TrimRight(body, " \t\r\n"), "]") {
			return nil, errAt(src, len(strings.TrimRight(src, " \t\r\n")), `"]"`, "a space-delimited pattern that starts with '[' must end with ']'")
		}
		return parseDelimited(src, lead)
	case '%':
		return parseRegex(src, lead)
	}
	return parseTerms(src, lead)
}

// parseRegex parses a standalone %regex% pattern. Mixing a regex with
// other terms is not documented by AWS and is rejected.
func parseRegex(src string, lead int) (*Pattern, error) {
	lx := &lexer{src: src, pos: lead}
	tok, err := lx.next()
	if err != nil {
		return nil, err
	}
	rest := lx.pos
	for rest < len(src) && isPatternSpace(src[rest]) {
		rest++
	}
	if rest < len(src) {
		return nil, errAt(src, rest, "end of pattern", "a regular expression pattern is the whole pattern %%...%%; it cannot be combined with other terms")
	}
	return &Pattern{Kind: KindRegex, Source: src, Regex: &Regex{Source: tok.str, Pos: tok.pos}}, nil
}

// parser holds the state shared by the JSON and space-delimited parsers:
// a one-token lookahead and the quota counters.
type parser struct {
	lx       *lexer
	tok      token
	regexes  int
	wildSels int
}

func newParser(src string, lead int) (*parser, error) {
	p := &parser{lx: &lexer{src: src, pos: lead}}
	return p, p.advance()
}

func (p *parser) src() string { return p.lx.src }

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// expect consumes a token of kind k or fails with what was wanted.
func (p *parser) expect(k tokKind, context string) error {
	if p.tok.kind != k {
		return p.unexpected(k.String(), context)
	}
	return p.advance()
}

// unexpected is the error for the current token when want was expected.
func (p *parser) unexpected(want, context string) error {
	found := p.found()
	if context != "" {
		return errAt(p.src(), p.tok.pos, want, "expected %s %s, found %s", want, context, found)
	}
	return errAt(p.src(), p.tok.pos, want, "expected %s, found %s", want, found)
}

func (p *parser) found() string {
	if p.tok.kind == tokEOF {
		return "end of pattern"
	}
	if p.tok.kind == tokString {
		return p.tok.text
	}
	return `"` + p.tok.text + `"`
}

// value parses the right-hand side of a comparison: a quoted string, a
// regex, or a bare word that is a number or an unquoted string.
func (p *parser) value(op CompareOp, subject string) (Value, error) {
	t := p.tok
	var v Value
	switch t.kind {
	case tokString:
		v = Value{Kind: ValueString, Str: t.str, Quoted: true, Pos: t.pos}
	case tokRegex:
		p.regexes++
		if p.regexes > MaxRegexes {
			return v, errAt(p.src(), t.pos, "", "a pattern may hold at most %d regular expressions", MaxRegexes)
		}
		v = Value{Kind: ValueRegex, Regex: &Regex{Source: t.str, Pos: t.pos}, Pos: t.pos}
	case tokWord:
		if f, ok := parseNumberLiteral(t.text); ok {
			v = Value{Kind: ValueNumber, Str: t.text, Num: f, Pos: t.pos}
		} else {
			v = Value{Kind: ValueString, Str: t.text, Pos: t.pos}
		}
	default:
		return v, p.unexpected("value (quoted string, number, * or %regex%)", "after "+subject+" "+operatorText(op))
	}
	if op != OpEq && op != OpNe && v.Kind != ValueNumber {
		return v, errAt(p.src(), t.pos, "number", "%s compares numbers only, found %s", operatorText(op), p.found())
	}
	return v, p.advance()
}

// isKeyword reports whether the current token is the bare word kw.
func (p *parser) isKeyword(kw string) bool { return p.tok.kind == tokWord && p.tok.text == kw }
