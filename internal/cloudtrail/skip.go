package cloudtrail

import (
	"bytes"
	"errors"
)

// The decoders find where a JSON value ends without building it: a
// validating skip over the bytes, recursive only in nesting depth. It
// checks structure (brackets, commas, colons, literals, string ends, no raw
// control characters in strings) but not the contents of escapes or the
// digits of numbers; encoding/json checks those on the few records that are
// decoded in full.

// errIncomplete means the value runs past the end of the buffer: read more.
var errIncomplete = errors.New("incomplete JSON value")

// syntaxError is a structural error at a byte offset of the buffer.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 512

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipValue returns the offset just past the JSON value that starts at
// b[i] (after optional white space).
func skipValue(b []byte, i int) (int, error) { return skipValueDepth(b, i, 0) }

func skipValueDepth(b []byte, i, depth int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, errIncomplete
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{':
		return skipObject(b, i, depth+1)
	case c == '[':
		return skipArray(b, i, depth+1)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
			j++
		}
		if j == len(b) {
			return j, errIncomplete
		}
		return j, nil
	default:
		return i, &syntaxError{i, "expected a JSON value, found " + quoteByte(c)}
	}
}

func skipLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) {
		if string(b[i:]) == lit[:len(b)-i] {
			return len(b), errIncomplete
		}
	} else if string(b[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	return i, &syntaxError{i, "invalid literal, expected " + lit}
}

// skipString returns the offset past the closing quote of the string that
// opens at b[i].
func skipString(b []byte, i int) (int, error) {
	start := i
	j := i + 1
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			if k := bytes.IndexByte(b[start:], '\n'); k >= 0 {
				return start + k, &syntaxError{start + k, "unterminated string"}
			}
			return len(b), errIncomplete
		}
		q += j
		// An odd run of backslashes before the quote escapes it.
		n := 0
		for k := q - 1; k > start && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			if k := bytes.IndexByte(b[start:q], '\n'); k >= 0 {
				return start + k, &syntaxError{start + k, "unterminated string"}
			}
			return q + 1, nil
		}
		j = q + 1
	}
}

func skipObject(b []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, &syntaxError{i, "JSON nested too deeply"}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, errIncomplete
		}
		if b[i] != '"' {
			return i, &syntaxError{i, "expected a string key, found " + quoteByte(b[i])}
		}
		var err error
		if i, err = skipString(b, i); err != nil {
			return i, err
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, errIncomplete
		}
		if b[i] != ':' {
			return i, &syntaxError{i, "expected ':' after object key, found " + quoteByte(b[i])}
		}
		if i, err = skipValueDepth(b, i+1, depth); err != nil {
			return i, err
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, errIncomplete
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return i + 1, nil
		default:
			return i, &syntaxError{i, "expected ',' or '}' in object, found " + quoteByte(b[i])}
		}
	}
}

func skipArray(b []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, &syntaxError{i, "JSON nested too deeply"}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = skipValueDepth(b, i, depth); err != nil {
			return i, err
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, errIncomplete
		}
		switch b[i] {
		case ',':
			i++
		case ']':
			return i + 1, nil
		default:
			return i, &syntaxError{i, "expected ',' or ']' in array, found " + quoteByte(b[i])}
		}
	}
}

// eachKey calls fn with each top-level key (raw, without quotes and
// unescaped only if it has no escapes) and its raw value of the object
// obj. It stops early when fn returns false.
func eachKey(obj []byte, fn func(key, val []byte) bool) error {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return &syntaxError{i, "expected a JSON object"}
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return nil
	}
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return &syntaxError{i, "expected a string key"}
		}
		end, err := skipString(obj, i)
		if err != nil {
			return err
		}
		key := obj[i+1 : end-1]
		i = skipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return &syntaxError{i, "expected ':'"}
		}
		vs := skipSpace(obj, i+1)
		ve, err := skipValue(obj, vs)
		if err != nil {
			return err
		}
		if !fn(key, obj[vs:ve]) {
			return nil
		}
		i = skipSpace(obj, ve)
		if i >= len(obj) {
			return errIncomplete
		}
		if obj[i] == '}' {
			return nil
		}
		if obj[i] != ',' {
			return &syntaxError{i, "expected ',' or '}'"}
		}
		i++
	}
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return "byte 0x" + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])
	}
	return "'" + string(c) + "'"
}
