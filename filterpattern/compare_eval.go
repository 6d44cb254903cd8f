package filterpattern

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// Compare's own meaning of a condition, on a witness value or on a decoded
// event. It is deliberately written apart from the matcher so that each
// checks the other.

// evalAtom is the meaning of one condition for one value of its selector
// (filter-pattern spec §4.5): a missing, null, boolean, object or array value
// fails every comparison, != included; strings compare exactly with '*' as a
// wildcard, numbers numerically; a string value's wildcard also applies to a
// number's text.
func evalAtom(a nfAtom, v wval) bool {
	switch a.op {
	case OpNotExists:
		return v.kind == wMissing
	case OpIsNull:
		return v.kind == wNull
	case OpIsTrue:
		return v.kind == wTrue
	case OpIsFalse:
		return v.kind == wFalse
	}
	if v.kind != wString && v.kind != wNumber {
		return false
	}
	switch a.val.Kind {
	case ValueString, ValueRegex:
		if a.op != OpEq && a.op != OpNe {
			return false
		}
		m := stringAtomMatches(a.val, v.text)
		return m == (a.op == OpEq)
	case ValueNumber:
		if v.kind != wNumber {
			return false
		}
		n, err := strconv.ParseFloat(v.text, 64)
		if err != nil {
			return false
		}
		switch a.op {
		case OpEq:
			return n == a.val.Num
		case OpNe:
			return n != a.val.Num
		case OpLt:
			return n < a.val.Num
		case OpLe:
			return n <= a.val.Num
		case OpGt:
			return n > a.val.Num
		case OpGe:
			return n >= a.val.Num
		}
	}
	return false
}

// stringAtomMatches evaluates a string or regex value with the standard
// library's regexp, independently of the automaton that generated witnesses.
func stringAtomMatches(v Value, s string) bool {
	if v.Kind == ValueRegex {
		re, err := regexp.Compile(v.Regex.RE2())
		return err == nil && re.MatchString(s)
	}
	return globMatch(v.Str, s)
}

// globMatch matches s against a value in which every '*' is a wildcard.
func globMatch(glob, s string) bool {
	parts := strings.Split(glob, "*")
	if len(parts) == 1 {
		return glob == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// resolve returns what a wildcard-free selector is in a decoded event, or
// every candidate value when the selector has a wildcard step.
func resolve(doc any, steps []Step) []wval {
	if len(steps) == 0 {
		return []wval{kindOf(doc)}
	}
	s := steps[0]
	switch s.Kind {
	case StepField:
		if m, ok := doc.(map[string]any); ok {
			if c, ok := m[s.Name]; ok {
				return resolve(c, steps[1:])
			}
		}
	case StepIndex:
		if a, ok := doc.([]any); ok && s.Index < len(a) {
			return resolve(a[s.Index], steps[1:])
		}
	case StepAnyIndex:
		if a, ok := doc.([]any); ok {
			var out []wval
			for _, e := range a {
				out = append(out, resolve(e, steps[1:])...)
			}
			return out
		}
	case StepAnyField:
		if m, ok := doc.(map[string]any); ok {
			var out []wval
			for _, e := range m {
				out = append(out, resolve(e, steps[1:])...)
			}
			return out
		}
	}
	return nil
}

func kindOf(v any) wval {
	switch x := v.(type) {
	case nil:
		return wval{kind: wNull}
	case bool:
		if x {
			return wval{kind: wTrue}
		}
		return wval{kind: wFalse}
	case json.Number:
		return wval{kind: wNumber, text: x.String()}
	case string:
		return wval{kind: wString, text: x}
	case map[string]any:
		return wval{kind: wObject}
	case []any:
		return wval{kind: wArray}
	}
	return wval{kind: wMissing}
}

// evalTreeOnEvent is Compare's own small evaluator of a pattern on a JSON
// event; it cross-checks the real matcher on the events Compare generates.
func evalTreeOnEvent(t *nfTree, event []byte) bool {
	doc, ok := decodeEvent(event)
	return ok && evalTreeOnDoc(t, doc)
}

// decodeEvent decodes a JSON object event with numbers kept as text.
func decodeEvent(event []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	if _, ok := doc.(map[string]any); !ok || dec.More() {
		return nil, false
	}
	return doc, true
}

func evalTreeOnDoc(t *nfTree, doc any) bool {
	switch t.op {
	case OpAnd:
		return evalTreeOnDoc(t.l, doc) && evalTreeOnDoc(t.r, doc)
	case OpOr:
		return evalTreeOnDoc(t.l, doc) || evalTreeOnDoc(t.r, doc)
	}
	vals := resolve(doc, t.atom.steps)
	if len(vals) == 0 {
		vals = []wval{{kind: wMissing}}
	}
	for _, v := range vals {
		if evalAtom(t.atom, v) {
			return true
		}
	}
	return false
}
