package scan

import (
	"strings"

	"github.com/rootwatch/rootwatch/filterpattern"
)

// CandidateLiterals derives from a JSON filter pattern byte strings of
// which at least one must occur in the raw text of any event the pattern
// matches (the decoder adds the \u escape that could spell them). It is
// conservative: nil means "no prefilter", never a wrong rejection. Pieces
// stop at characters JSON may escape other than with \u (quote,
// backslash, slash, control characters) and at '*' wildcards.
func CandidateLiterals(p *filterpattern.Pattern) [][]byte {
	if p == nil || p.Kind != filterpattern.KindJSON || p.JSON == nil {
		return nil
	}
	set, ok := needles(p.JSON)
	if !ok {
		return nil
	}
	out := make([][]byte, 0, len(set))
	for _, s := range set {
		out = append(out, []byte(s))
	}
	return out
}

// needles returns a set of literals one of which must occur, or false.
func needles(e filterpattern.Expr) ([]string, bool) {
	switch x := e.(type) {
	case *filterpattern.Binary:
		l, lok := needles(x.Left)
		r, rok := needles(x.Right)
		if x.Op == filterpattern.OpAnd {
			switch {
			case lok && rok:
				// Either side's set is necessary; keep the one with the
				// shortest weakest needle being longest.
				if weakest(l) >= weakest(r) {
					return l, true
				}
				return r, true
			case lok:
				return l, true
			case rok:
				return r, true
			}
			return nil, false
		}
		if lok && rok && len(l)+len(r) <= 8 {
			return append(append([]string{}, l...), r...), true
		}
		return nil, false
	case *filterpattern.Condition:
		if x.Op != filterpattern.OpEq || x.Value.Kind != filterpattern.ValueString {
			return nil, false
		}
		best := ""
		for _, seg := range strings.Split(x.Value.Str, "*") {
			for _, piece := range strings.FieldsFunc(seg, func(r rune) bool {
				return r == '"' || r == '\\' || r == '/' || r < 0x20 || r >= 0x80
			}) {
				if len(piece) > len(best) {
					best = piece
				}
			}
		}
		if len(best) < 3 {
			return nil, false
		}
		return []string{best}, true
	}
	return nil, false
}

func weakest(set []string) int {
	w := -1
	for _, s := range set {
		if w < 0 || len(s) < w {
			w = len(s)
		}
	}
	return w
}
