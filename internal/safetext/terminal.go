package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Terminal returns s with everything a terminal would interpret removed:
// ANSI escape sequences (CSI, OSC, DCS and the rest are dropped whole, so an
// OSC 8 hyperlink or a title change leaves no trace), other C0 and C1
// control characters and DEL (replaced by a space, so words stay apart),
// invalid UTF-8 (replaced by U+FFFD) and the Unicode bidirectional controls
// that reorder what a reader sees (Trojan Source). Printable text, including
// non-ASCII letters, is kept as it is.
func Terminal(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b:
			i = skipEscape(s, i)
			continue
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f:
			// 8-bit CSI, OSC, DCS, PM and APC: some terminals honour them.
			i = skipString(s, i+size, r == 0x9b)
			continue
		case isBidiControl(r):
			// dropped
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII, the common case, so that
// Terminal can return it without copying.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// skipEscape returns the index just past the escape sequence that starts
// with ESC at s[i].
func skipEscape(s string, i int) int {
	i++ // ESC
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters and intermediates, then one final byte 0x40-0x7e
		return skipString(s, i+1, true)
	case ']', 'P', '^', '_', 'X': // OSC, DCS, PM, APC, SOS: until BEL or ST
		return skipString(s, i+1, false)
	default:
		// Two-character sequences (ESC c, ESC 7, ESC ( B ...): drop ESC, any
		// intermediate bytes 0x20-0x2f and the final byte.
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	}
}

// skipString skips the body of a control sequence starting at s[i]: a CSI
// ends at its final byte; a string sequence (OSC and friends) ends at BEL, at
// ESC \ or at the 8-bit ST. An unterminated sequence runs to the end of s,
// as it would swallow the rest of the line on a terminal.
func skipString(s string, i int, csi bool) int {
	for i < len(s) {
		c := s[i]
		if csi {
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			if c < 0x20 || c > 0x7e {
				return i
			}
			i++
			continue
		}
		switch {
		case c == 0x07:
			return i + 1
		case c == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // U+009C ST
			return i + 2
		}
		i++
	}
	return i
}

// isBidiControl reports the characters that change the display order of
// text (Unicode's Bidi_Control property).
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
