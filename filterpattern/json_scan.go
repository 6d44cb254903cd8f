package filterpattern

import (
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small JSON scanner that never builds values: validObject
// checks a whole document once, and the skip functions then move over
// values the pattern does not need, trusting that check. Offsets point into
// the event; nothing is copied unless a string holds an escape.

// maxDepth is encoding/json's nesting limit; deeper documents are invalid
// there, and so here.
const maxDepth = 10000

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(doc []byte, i int) int {
	for i < len(doc) && isJSONSpace(doc[i]) {
		i++
	}
	return i
}

// stringEnd returns the offset of the closing quote of the valid string
// starting at doc[i], and whether the string contains an escape.
func stringEnd(doc []byte, i int) (int, bool) {
	esc := false
	for i++; ; i++ {
		switch doc[i] {
		case '"':
			return i, esc
		case '\\':
			esc = true
			i++
		}
	}
}

func numberEnd(doc []byte, i int) int {
	for i < len(doc) {
		switch c := doc[i]; {
		case asciiDigit(c), c == '-', c == '+', c == '.', c == 'e', c == 'E':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the offset just after the valid value at doc[i].
func skipValue(doc []byte, i int) int {
	switch doc[i] {
	case '"':
		e, _ := stringEnd(doc, i)
		return e + 1
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch doc[i] {
			case '"':
				i, _ = stringEnd(doc, i)
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
	case 't', 'n':
		return i + 4
	case 'f':
		return i + 5
	}
	return numberEnd(doc, i)
}

// validObject reports whether doc is exactly one JSON object, optionally
// surrounded by whitespace, and returns the offset of its '{'.
func validObject(doc []byte) (int, bool) {
	i := skipWS(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return 0, false
	}
	end, ok := validValue(doc, i, 0)
	if !ok || skipWS(doc, end) != len(doc) {
		return 0, false
	}
	return i, true
}

// validValue checks the value at doc[i] and returns the offset after it.
func validValue(doc []byte, i, depth int) (int, bool) {
	if i >= len(doc) {
		return i, false
	}
	switch c := doc[i]; c {
	case '{', '[':
		if depth >= maxDepth {
			return i, false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(doc, i+1)
		if i < len(doc) && doc[i] == closer {
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i >= len(doc) || doc[i] != '"' {
					return i, false
				}
				if i, ok = validString(doc, i); !ok {
					return i, false
				}
				i = skipWS(doc, i)
				if i >= len(doc) || doc[i] != ':' {
					return i, false
				}
				i = skipWS(doc, i+1)
			}
			if i, ok = validValue(doc, i, depth+1); !ok {
				return i, false
			}
			i = skipWS(doc, i)
			if i >= len(doc) {
				return i, false
			}
			switch doc[i] {
			case ',':
				i = skipWS(doc, i+1)
			case closer:
				return i + 1, true
			default:
				return i, false
			}
		}
	case '"':
		return validString(doc, i)
	case 't':
		return validLiteral(doc, i, "true")
	case 'f':
		return validLiteral(doc, i, "false")
	case 'n':
		return validLiteral(doc, i, "null")
	}
	return validNumber(doc, i)
}

func validLiteral(doc []byte, i int, lit string) (int, bool) {
	if len(doc)-i < len(lit) || string(doc[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// validString checks the string at doc[i] (the opening quote) and returns
// the offset after its closing quote. Like encoding/json it accepts bytes
// that are not valid UTF-8; decoding replaces them with U+FFFD.
func validString(doc []byte, i int) (int, bool) {
	for i++; i < len(doc); i++ {
		switch c := doc[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(doc) {
				return i, false
			}
			switch doc[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(doc)-i < 5 || !jsonHex4(doc[i+1:i+5]) {
					return i, false
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func jsonHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !hexDigit(c) {
			return false
		}
	}
	return true
}

func hexDigit(c byte) bool {
	return asciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// validNumber checks JSON number syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(doc []byte, i int) (int, bool) {
	if i < len(doc) && doc[i] == '-' {
		i++
	}
	switch {
	case i < len(doc) && doc[i] == '0':
		i++
	case i < len(doc) && doc[i] >= '1' && doc[i] <= '9':
		for i < len(doc) && asciiDigit(doc[i]) {
			i++
		}
	default:
		return i, false
	}
	if i < len(doc) && doc[i] == '.' {
		i++
		s := i
		for i < len(doc) && asciiDigit(doc[i]) {
			i++
		}
		if i == s {
			return i, false
		}
	}
	if i < len(doc) && (doc[i] == 'e' || doc[i] == 'E') {
		i++
		if i < len(doc) && (doc[i] == '+' || doc[i] == '-') {
			i++
		}
		s := i
		for i < len(doc) && asciiDigit(doc[i]) {
			i++
		}
		if i == s {
			return i, false
		}
	}
	return i, true
}

// unescapeString decodes the contents of a valid JSON string that holds
// escapes, the way encoding/json does: invalid UTF-8 and unpaired
// surrogates become U+FFFD.
func unescapeString(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(raw[i:])
			out = utf8.AppendRune(out, r)
			i += size
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' && jsonHex4(raw[i+3:]) {
					if r2 := utf16.DecodeRune(r, hex4(raw[i+3:])); r2 != utf8.RuneError {
						out = utf8.AppendRune(out, r2)
						i += 6 + 1
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, raw[i])
		}
		i++
	}
	return out
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case asciiDigit(c):
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}
