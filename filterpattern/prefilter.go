package filterpattern

import (
	"bytes"
	"slices"
	"strings"
)

// A prefilter is a necessary condition for a match that costs only byte
// searches: at least one of its needles must occur in the raw event. It is
// derived from the pattern so that it can never reject an event the full
// evaluation would accept. The one way a JSON event can hold a value without
// holding its bytes is a \uXXXX escape (a needle never contains the
// characters that have short escapes: '"', '\\', '/', control characters),
// so when no needle is found, every \u escape of the event is decoded: if one
// of them spells a byte that occurs in a needle (or any non-ASCII character
// when a needle has one), the event goes to full evaluation anyway.
type prefilter struct {
	needles []needle // empty: no prefilter, everything is a candidate
	// inNeedle marks the bytes that occur in some needle; index 0x80 stands
	// for every non-ASCII character.
	inNeedle *[0x81]bool
}

// maxNeedles bounds the work of the prefilter; a disjunction of more
// alternatives than this is cheaper to evaluate than to search for.
const maxNeedles = 8

func (p *prefilter) mayMatch(ev []byte) bool {
	if len(p.needles) == 0 {
		return true
	}
	for i := range p.needles {
		if p.needles[i].index(ev) >= 0 {
			return true
		}
	}
	return p.escapeMayHideNeedle(ev)
}

// escapeMayHideNeedle reports whether ev holds a \uXXXX escape that decodes
// to a character of some needle. Stepping over each escape whole keeps an
// escaped backslash followed by "u0052" from counting; an escape cut short
// counts, being conservative only costs time.
func (p *prefilter) escapeMayHideNeedle(ev []byte) bool {
	for {
		i := bytes.IndexByte(ev, '\\')
		if i < 0 || i+1 >= len(ev) {
			return false
		}
		if ev[i+1] != 'u' {
			ev = ev[i+2:]
			continue
		}
		if len(ev)-i < 6 || !jsonHex4(ev[i+2:i+6]) {
			return true
		}
		r := hex4(ev[i+2 : i+6])
		if r > 0x80 {
			r = 0x80
		}
		if p.inNeedle[r] {
			return true
		}
		ev = ev[i+6:]
	}
}

func newPrefilter(needles []string) prefilter {
	p := prefilter{inNeedle: new([0x81]bool)}
	for _, s := range needles {
		p.needles = append(p.needles, newNeedle(s))
		for i := 0; i < len(s); i++ {
			p.inNeedle[min(s[i], 0x80)] = true
		}
	}
	return p
}

// needle is a byte string searched for by its rarest byte: IndexByte runs at
// vector speed, and starting from a byte that seldom occurs in CloudTrail
// keeps the number of false starts low. bytes.Index would start from the
// first byte, and most needles here start with '"', the commonest byte of
// any JSON document.
type needle struct {
	s    string
	rare int // offset in s of its rarest byte
}

func newNeedle(s string) needle {
	n := needle{s: s}
	best := -1
	for i := 0; i < len(s); i++ {
		if r := byteRank(s[i]); r > best {
			best, n.rare = r, i
		}
	}
	return n
}

// index returns the offset of the first occurrence of the needle in ev, or -1.
func (n *needle) index(ev []byte) int {
	s := n.s
	switch len(s) {
	case 0:
		return 0
	case 1:
		return bytes.IndexByte(ev, s[0])
	}
	c := s[n.rare]
	off := 0
	for {
		j := bytes.IndexByte(ev[off:], c)
		if j < 0 {
			return -1
		}
		start := off + j - n.rare
		if start >= 0 && start+len(s) <= len(ev) && string(ev[start:start+len(s)]) == s {
			return start
		}
		off += j + 1
		if off >= len(ev) {
			return -1
		}
	}
}

// commonBytes lists the printable ASCII bytes from the most to the least
// frequent in CloudTrail JSON (measured on a ctgen corpus); bytes outside it
// (control and non-ASCII bytes) are rarer still.
const commonBytes = "\"eats:nroic,d-2um0l51A6473p9.I8Svbywfg{}/TRDCEOHh NPMzk_VxLGWFZKBqUJQXYj+[]#();@\\=%*$&'?!<>^`|~"

// byteRank is higher for rarer bytes.
func byteRank(c byte) int {
	if i := strings.IndexByte(commonBytes, c); i >= 0 {
		return i
	}
	return len(commonBytes)
}

// jsonPrefilter derives the needles of a JSON pattern. For each condition it
// takes the best byte string that any event satisfying the condition must
// contain, then combines: && keeps the better side, || needs both sides and
// unites them.
func jsonPrefilter(e *jsonExpr) prefilter {
	set, _, ok := exprNeedles(e)
	if !ok {
		return prefilter{}
	}
	return newPrefilter(set)
}

// exprNeedles returns a set of strings at least one of which occurs in every
// event matching e, with a score (higher is more selective), or ok=false
// when no such set is known.
func exprNeedles(e *jsonExpr) (set []string, score float64, ok bool) {
	switch e.op {
	case OpAnd:
		ls, lscore, lok := exprNeedles(e.left)
		rs, rscore, rok := exprNeedles(e.right)
		switch {
		case lok && (!rok || lscore >= rscore):
			return ls, lscore, true
		case rok:
			return rs, rscore, true
		}
		return nil, 0, false
	case OpOr:
		ls, lscore, lok := exprNeedles(e.left)
		rs, rscore, rok := exprNeedles(e.right)
		if !lok || !rok {
			return nil, 0, false
		}
		set = append(append([]string(nil), ls...), rs...)
		set = dedupe(set)
		if len(set) > maxNeedles {
			return nil, 0, false
		}
		return set, min(lscore, rscore), true
	}
	return condNeedles(e.cond)
}

func condNeedles(c *jsonCond) ([]string, float64, bool) {
	t := &c.test
	if t.op == OpNotExists {
		return nil, 0, false
	}
	if t.op == OpEq && t.kind == ValueString {
		if s := valueNeedle(&t.glob); s != "" {
			return []string{s}, float64(len(s)), true
		}
	}
	// Every other comparison (and IS NULL/TRUE/FALSE) is false on a missing
	// field, so the field's key must occur. Keys are in almost every event;
	// they rank below any value.
	for i := len(c.steps) - 1; i >= 0; i-- {
		st := c.steps[i]
		if st.Kind != StepField {
			continue
		}
		if st.Name == "" || hasBreaker(st.Name) {
			return nil, 0, false
		}
		return []string{`"` + st.Name + `"`}, 1 - 1/float64(len(st.Name)+2), true
	}
	return nil, 0, false
}

// valueNeedle picks the longest literal run of a string value that must
// appear verbatim in the raw JSON text, adding the string's quote where the
// run touches an end of the value and the value cannot be a number's text
// (4* also matches the number 400, which has no quotes).
func valueNeedle(g *glob) string {
	best, bestStart, bestEnd := "", false, false
	for si, seg := range g.literals() {
		for _, piece := range splitBreakers(seg) {
			atStart := si == 0 && !g.lead && piece.start == 0
			atEnd := si == len(g.segs)-1 && !g.tail && piece.end == len(seg)
			if !g.wild {
				atStart, atEnd = piece.start == 0, piece.end == len(seg)
			}
			text := seg[piece.start:piece.end]
			if len(text) > len(best) {
				best, bestStart, bestEnd = text, atStart, atEnd
			}
		}
	}
	if best == "" {
		return ""
	}
	if !couldBeNumberText(best) {
		if bestStart {
			best = `"` + best
		}
		if bestEnd {
			best += `"`
		}
	}
	return best
}

type piece struct{ start, end int }

// splitBreakers splits s around the bytes JSON may spell with a short escape
// (\" \\ \/ \b \f \n \r \t): such a byte need not appear verbatim in the raw
// event, so a needle must not contain it.
func splitBreakers(s string) []piece {
	var out []piece
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || isBreaker(s[i]) {
			if i > start {
				out = append(out, piece{start, i})
			}
			start = i + 1
		}
	}
	return out
}

func isBreaker(c byte) bool { return c == '"' || c == '\\' || c == '/' || c < 0x20 }

func hasBreaker(s string) bool {
	for i := 0; i < len(s); i++ {
		if isBreaker(s[i]) {
			return true
		}
	}
	return false
}

func couldBeNumberText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case asciiDigit(c), c == '-', c == '+', c == '.', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
