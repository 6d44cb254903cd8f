package filterpattern

import (
	"strconv"
	"strings"
)

// tokKind is the kind of a token of a JSON or space-delimited pattern.
// Unstructured term patterns have their own, simpler scanner (parse_terms.go).
type tokKind int

const (
	tokEOF      tokKind = iota
	tokLBrace           // {
	tokRBrace           // }
	tokLParen           // (
	tokRParen           // )
	tokLBracket         // [ (opens a space-delimited pattern)
	tokRBracket         // ]
	tokComma            // ,
	tokAnd              // &&
	tokOr               // ||
	tokOp               // = != < <= > >=
	tokSelector         // $.a.b[0]
	tokWord             // bare text: names, keywords, numbers, unquoted strings, ...
	tokString           // "double quoted"
	tokRegex            // %regex%
)

func (k tokKind) String() string {
	switch k {
	case tokEOF:
		return "end of pattern"
	case tokLBrace:
		return `"{"`
	case tokRBrace:
		return `"}"`
	case tokLParen:
		return `"("`
	case tokRParen:
		return `")"`
	case tokLBracket:
		return `"["`
	case tokRBracket:
		return `"]"`
	case tokComma:
		return `","`
	case tokAnd:
		return `"&&"`
	case tokOr:
		return `"||"`
	case tokOp:
		return "operator"
	case tokSelector:
		return "selector"
	case tokWord:
		return "word"
	case tokString:
		return "quoted string"
	case tokRegex:
		return "regular expression"
	}
	return "token"
}

// token is one lexeme. Pos and End are byte offsets into the source.
type token struct {
	kind tokKind
	pos  int
	end  int
	text string    // the source text of the token
	str  string    // tokString: unescaped contents; tokRegex: the body
	op   CompareOp // tokOp
	sel  *Selector // tokSelector
}

// lexer turns the source of a JSON or space-delimited pattern into tokens.
// Whether '[' opens a pattern or indexes a selector is settled by the lexer:
// inside a selector it is an index, elsewhere a bracket.
type lexer struct {
	src string
	pos int
}

func isPatternSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// isBareByte reports whether c may appear in an unquoted value, field name
// or keyword. AWS documents letters, digits and '_' and requires quotes
// for '@', '$', '\' and non-ASCII; AWS-published patterns also use bare
// '.', '-', '*' (123.123.*, iam.amazonaws.com, 4*), '+' in numbers (+1000),
// and ARNs and paths in the wild carry ':' and '/'. We accept exactly
// those; anything else must be quoted. See docs/filterpattern.md.
func isBareByte(c byte) bool {
	return isNameByte(c) || c == '.' || c == '*' || c == '+' || c == ':' || c == '/'
}

func (lx *lexer) next() (token, error) {
	for lx.pos < len(lx.src) && isPatternSpace(lx.src[lx.pos]) {
		lx.pos++
	}
	start := lx.pos
	if start >= len(lx.src) {
		return token{kind: tokEOF, pos: start, end: start}, nil
	}
	one := func(k tokKind) (token, error) {
		lx.pos++
		return token{kind: k, pos: start, end: lx.pos, text: lx.src[start:lx.pos]}, nil
	}
	c := lx.src[start]
	switch c {
	case '{':
		return one(tokLBrace)
	case '}':
		return one(tokRBrace)
	case '(':
		return one(tokLParen)
	case ')':
		return one(tokRParen)
	case '[':
		return one(tokLBracket)
	case ']':
		return one(tokRBracket)
	case ',':
		return one(tokComma)
	case '&', '|':
		if lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == c {
			lx.pos += 2
			k := tokAnd
			if c == '|' {
				k = tokOr
			}
			return token{kind: k, pos: start, end: lx.pos, text: lx.src[start:lx.pos]}, nil
		}
		return token{}, errAt(lx.src, start, `"`+string(c)+string(c)+`"`, "single %q is not an operator; write %q", string(c), string(c)+string(c))
	case '=', '!', '<', '>':
		return lx.operator()
	case '"':
		return lx.quoted()
	case '\'':
		return token{}, errAt(lx.src, start, "double-quoted string", `single quotes are not string delimiters; use double quotes`)
	case '%':
		return lx.regex()
	case '$':
		return lx.selector()
	}
	if isBareByte(c) {
		for lx.pos < len(lx.src) && isBareByte(lx.src[lx.pos]) {
			lx.pos++
		}
		return token{kind: tokWord, pos: start, end: lx.pos, text: lx.src[start:lx.pos]}, nil
	}
	return token{}, errAt(lx.src, start, "", "unexpected %s; text with characters other than letters, digits and _ . - + * : / must be in double quotes", describeAt(lx.src, start))
}

func (lx *lexer) operator() (token, error) {
	start := lx.pos
	c := lx.src[start]
	var nextc byte
	if start+1 < len(lx.src) {
		nextc = lx.src[start+1]
	}
	tok := func(n int, op CompareOp) (token, error) {
		lx.pos += n
		return token{kind: tokOp, pos: start, end: lx.pos, text: lx.src[start:lx.pos], op: op}, nil
	}
	switch {
	case c == '=' && nextc == '=':
		return token{}, errAt(lx.src, start, `"="`, `"==" is not an operator; equality is written "="`)
	case c == '=':
		return tok(1, OpEq)
	case c == '!' && nextc == '=':
		return tok(2, OpNe)
	case c == '!':
		return token{}, errAt(lx.src, start, `"!="`, `"!" is not an operator; there is no negation, only "!=" and NOT EXISTS`)
	case c == '<' && nextc == '=':
		return tok(2, OpLe)
	case c == '<':
		return tok(1, OpLt)
	case c == '>' && nextc == '=':
		return tok(2, OpGe)
	default:
		return tok(1, OpGt)
	}
}

// quoted scans a double-quoted string. Inside, \" is a quote and \\ a
// backslash (the escaping the AWS CDK emits); any other backslash is kept
// as written, since AWS documents no other escape.
func (lx *lexer) quoted() (token, error) {
	start := lx.pos
	s, end, err := scanQuoted(lx.src, start)
	if err != nil {
		return token{}, err
	}
	lx.pos = end
	return token{kind: tokString, pos: start, end: end, text: lx.src[start:end], str: s}, nil
}

// scanQuoted reads the double-quoted string whose opening quote is at
// src[start] and returns its unescaped contents and the offset after the
// closing quote.
func scanQuoted(src string, start int) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 < len(src) && (src[i+1] == '"' || src[i+1] == '\\') {
				b.WriteByte(src[i+1])
				i++
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errAt(src, start, `closing "`, "unterminated quoted string: no closing double quote")
}

func (lx *lexer) regex() (token, error) {
	start := lx.pos
	end := strings.IndexByte(lx.src[start+1:], '%')
	if end < 0 {
		return token{}, errAt(lx.src, start, `closing "%"`, "unterminated regular expression: no closing %%")
	}
	body := lx.src[start+1 : start+1+end]
	if err := checkRegex(lx.src, start, body); err != nil {
		return token{}, err
	}
	lx.pos = start + end + 2
	return token{kind: tokRegex, pos: start, end: lx.pos, text: lx.src[start:lx.pos], str: body}, nil
}

// selector scans $.a.b[0][*].*.['x.y'].
func (lx *lexer) selector() (token, error) {
	src := lx.src
	start := lx.pos
	i := start + 1
	sel := &Selector{Pos: start}
	wildcards := 0
	for {
		stepPos := i
		switch {
		case i+1 < len(src) && src[i] == '.' && src[i+1] == '*':
			sel.Steps = append(sel.Steps, Step{Kind: StepAnyField})
			wildcards++
			i += 2
		case i+1 < len(src) && src[i] == '.' && src[i+1] == '[':
			i++
			continue // .['key'] is read by the '[' case
		case i < len(src) && src[i] == '.':
			j := i + 1
			for j < len(src) && isNameByte(src[j]) {
				j++
			}
			if j == i+1 {
				return token{}, errAt(src, j, "property name", "expected a property name after %q in selector, found %s (names are letters, digits, _ and -; use .['name'] for others)", src[start:j], describeAt(src, j))
			}
			sel.Steps = append(sel.Steps, Step{Kind: StepField, Name: src[i+1 : j]})
			i = j
		case i < len(src) && src[i] == '[':
			step, j, err := lx.bracketStep(sel, i)
			if err != nil {
				return token{}, err
			}
			if step.Kind == StepAnyIndex {
				wildcards++
			}
			sel.Steps = append(sel.Steps, step)
			i = j
		default:
			if len(sel.Steps) == 0 {
				return token{}, errAt(src, i, `"." after "$"`, "a selector starts with \"$.\", found %s after \"$\"", describeAt(src, i))
			}
			lx.pos = i
			return token{kind: tokSelector, pos: start, end: i, text: src[start:i], sel: sel}, nil
		}
		if wildcards > MaxWildcardsPerSelector {
			return token{}, errAt(src, stepPos, "", "a selector may hold at most %d wildcard ([*] or .*)", MaxWildcardsPerSelector)
		}
	}
}

// bracketStep reads [N], [*] or ['key'] at src[i] == '['.
func (lx *lexer) bracketStep(sel *Selector, i int) (Step, int, error) {
	src := lx.src
	j := i + 1
	switch {
	case j < len(src) && src[j] == '\'':
		k := strings.IndexByte(src[j+1:], '\'')
		if k < 0 {
			return Step{}, 0, errAt(src, j, `closing "'"`, "unterminated key in selector: no closing single quote")
		}
		name := src[j+1 : j+1+k]
		end := j + 1 + k + 1
		if name == "" {
			return Step{}, 0, errAt(src, j, "key", "empty key [''] in selector")
		}
		if end >= len(src) || src[end] != ']' {
			return Step{}, 0, errAt(src, end, `"]"`, "expected \"]\" after key '%s' in selector, found %s", name, describeAt(src, end))
		}
		return Step{Kind: StepField, Name: name, Bracket: true}, end + 1, nil
	case j < len(src) && src[j] == '*':
		if len(sel.Steps) == 0 {
			return Step{}, 0, errAt(src, i, `"."`, "[*] must follow a property: write $.name[*]")
		}
		if j+1 >= len(src) || src[j+1] != ']' {
			return Step{}, 0, errAt(src, j+1, `"]"`, "expected \"]\" after \"[*\" in selector, found %s", describeAt(src, j+1))
		}
		return Step{Kind: StepAnyIndex}, j + 2, nil
	case j < len(src) && '0' <= src[j] && src[j] <= '9':
		if len(sel.Steps) == 0 {
			return Step{}, 0, errAt(src, i, `"."`, "an array index must follow a property: write $.name[%c]", src[j])
		}
		k := j
		for k < len(src) && '0' <= src[k] && src[k] <= '9' {
			k++
		}
		if k >= len(src) || src[k] != ']' {
			return Step{}, 0, errAt(src, k, `"]"`, "expected \"]\" after array index, found %s", describeAt(src, k))
		}
		n, err := strconv.Atoi(src[j:k])
		if err != nil {
			return Step{}, 0, errAt(src, j, "array index", "array index %s is too large", src[j:k])
		}
		return Step{Kind: StepIndex, Index: n}, k + 1, nil
	}
	return Step{}, 0, errAt(src, j, "array index, * or 'key'", "expected an array index, * or a quoted key after \"[\" in selector, found %s", describeAt(src, j))
}
