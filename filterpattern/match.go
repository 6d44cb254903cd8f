package filterpattern

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// valueTest is one compiled comparison "scalar op value", shared by JSON
// conditions and space-delimited field conditions.
type valueTest struct {
	op   CompareOp
	kind ValueKind
	glob glob
	num  float64
	re   *regexp.Regexp
}

func compileValueTest(op CompareOp, v Value, o options) (valueTest, error) {
	t := valueTest{op: op, kind: v.Kind}
	switch v.Kind {
	case ValueNone:
		switch op {
		case OpIsNull, OpIsTrue, OpIsFalse, OpNotExists:
		default:
			return t, fmt.Errorf("filterpattern: operator %d needs a value", op)
		}
	case ValueString:
		t.glob = compileGlob(v.Str, o.literalInnerStar)
	case ValueNumber:
		t.num = v.Num
	case ValueRegex:
		if v.Regex == nil {
			return t, fmt.Errorf("filterpattern: regex value without a regex")
		}
		re, err := compileRegex(v.Regex)
		if err != nil {
			return t, err
		}
		t.re = re
	}
	return t, nil
}

// onString tests a string scalar (JSON string contents, unescaped, or a
// space-delimited field). A numeric literal never equals a string: whether
// AWS coerces "400" to 400 is undocumented (spec §9.2), and refusing keeps
// `=` and `!=` both false, like every other type mismatch.
func (t *valueTest) onString(s []byte) bool {
	var m bool
	switch t.kind {
	case ValueString:
		m = t.glob.match(s)
	case ValueRegex:
		m = t.re.Match(s)
	default:
		return false
	}
	switch t.op {
	case OpEq:
		return m
	case OpNe:
		return !m
	}
	return false
}

// onNumber tests a JSON number given by its source text. Numeric literals
// compare numerically (1e3 equals 1000); string values, wildcards and
// regexes are applied to the number's text ("Use the asterisk as a wild card
// to match numbers", FPS: 4* matches 400).
func (t *valueTest) onNumber(raw []byte) bool {
	if t.kind != ValueNumber {
		return t.onString(raw)
	}
	f, ok := parseNumber(raw)
	if !ok {
		return false
	}
	switch t.op {
	case OpEq:
		return f == t.num
	case OpNe:
		return f != t.num
	case OpLt:
		return f < t.num
	case OpLe:
		return f <= t.num
	case OpGt:
		return f > t.num
	case OpGe:
		return f >= t.num
	}
	return false
}

// onText tests text that may or may not be a number: a space-delimited field.
// Numeric literals need the field to be a number; anything else is a string
// comparison.
func (t *valueTest) onText(s []byte) bool {
	if t.kind == ValueNumber {
		if !isNumberText(s) {
			return false
		}
		return t.onNumber(s)
	}
	return t.onString(s)
}

// parseNumber converts number text. Out-of-range values become ±Inf rather
// than failing: a huge number is still greater than 1000.
func parseNumber(raw []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// isNumberText reports whether s is a decimal number as AWS documents them:
// an optional sign, digits with an optional fraction (or a fraction alone),
// and an optional exponent: 400, +1000, -1, 55.5, .5, 1e-3, 10E3. strconv
// alone would also take "Inf", "NaN", hex floats and underscores, none of
// which a log field means as a number. It is the syntax of numeric literals
// in patterns (parseNumberLiteral) and of numeric fields in events.
func isNumberText[T string | []byte](s T) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	for i < len(s) && asciiDigit(s[i]) {
		i++
	}
	intDigits := i - start
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && asciiDigit(s[i]) {
			i++
		}
		if i == fs && intDigits == 0 {
			return false
		}
	} else if intDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		es := i
		for i < len(s) && asciiDigit(s[i]) {
			i++
		}
		if i == es {
			return false
		}
	}
	return i == len(s)
}

func asciiDigit(c byte) bool { return c >= '0' && c <= '9' }

// glob is a string value with '*' wildcards: any run of characters,
// including none.
type glob struct {
	// segs are the literal pieces between wildcards, one piece when wild is
	// false. They are kept as bytes so that matching converts nothing: a
	// []byte(string) of more than 32 bytes is a heap copy on every call.
	segs [][]byte
	wild bool
	lead bool // starts with a wildcard: no prefix constraint
	tail bool // ends with a wildcard: no suffix constraint
}

func compileGlob(s string, literalInner bool) glob {
	if !strings.Contains(s, "*") {
		return glob{segs: [][]byte{[]byte(s)}}
	}
	if literalInner {
		g := glob{wild: true}
		if strings.HasPrefix(s, "*") {
			g.lead = true
			s = s[1:]
		}
		if strings.HasSuffix(s, "*") {
			g.tail = true
			s = s[:len(s)-1]
		}
		if !g.lead && !g.tail {
			return glob{segs: [][]byte{[]byte(s)}}
		}
		g.segs = [][]byte{[]byte(s)}
		return g
	}
	g := glob{wild: true}
	for _, seg := range strings.Split(s, "*") {
		g.segs = append(g.segs, []byte(seg))
	}
	g.lead = len(g.segs[0]) == 0
	g.tail = len(g.segs[len(g.segs)-1]) == 0
	return g
}

func (g *glob) match(s []byte) bool {
	if !g.wild {
		return bytes.Equal(s, g.segs[0])
	}
	segs := g.segs
	if !g.lead {
		if !bytes.HasPrefix(s, segs[0]) {
			return false
		}
		s = s[len(segs[0]):]
		segs = segs[1:]
	}
	if !g.tail {
		last := segs[len(segs)-1]
		if !bytes.HasSuffix(s, last) {
			return false
		}
		s = s[:len(s)-len(last)]
		segs = segs[:len(segs)-1]
	}
	// The leftmost occurrence of each middle piece leaves the most room for
	// the rest, so a greedy scan is exact.
	for _, seg := range segs {
		if len(seg) == 0 {
			continue
		}
		i := bytes.Index(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}

// literals returns the pieces of text any matching string must contain.
func (g *glob) literals() []string {
	out := make([]string, len(g.segs))
	for i, seg := range g.segs {
		out[i] = string(seg)
	}
	return out
}
