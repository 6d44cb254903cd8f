package format

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// asciiFold spells the Latin letters and typography that canonical
// decomposition leaves whole.
var asciiFold = map[rune]string{
	'ß': "ss", 'ẞ': "SS", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'đ': "d", 'Đ': "D", 'ł': "l", 'Ł': "L", 'þ': "th", 'Þ': "Th", 'ð': "d", 'Ð': "D", 'ı': "i",
	'‘': "'", '’': "'", '‚': "'", '“': `"`, '”': `"`, '„': `"`, '«': `"`, '»': `"`,
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '−': "-", '…': "...", '→': "->", '·': "-",
}

// ASCII transliterates s to printable ASCII for receivers that take
// nothing else: letters lose their accents (NFD, then combining marks
// dropped: "Ünïcödé" is "Unicode"), common typography gets its ASCII
// spelling, spaces stay spaces, control characters become spaces, and
// each run of anything else becomes one "?", so the reader sees that
// something was there.
func ASCII(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	unknown := false
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			continue // the accent of the letter before
		case unicode.IsSpace(r) || unicode.IsControl(r):
			b.WriteByte(' ')
		case asciiFold[r] != "":
			b.WriteString(asciiFold[r])
		default:
			if !unknown {
				b.WriteByte('?')
			}
			unknown = true
			continue
		}
		unknown = false
	}
	return b.String()
}

// readable reports whether s has a letter or digit: an alias reduced to
// "?" tells a reader nothing.
func readable(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
