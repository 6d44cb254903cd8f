package format

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rootwatch/rootwatch/internal/safetext"
)

// Ellipsis marks text that was cut; ASCIIEllipsis where only ASCII may go.
const (
	Ellipsis      = "…"
	ASCIIEllipsis = "..."
)

// Truncate cuts s to at most max runes, ending in Ellipsis when cut. It
// counts runes, not bytes, so it never splits a multi-byte character.
func Truncate(s string, max int) string { return truncateWith(s, max, Ellipsis) }

// truncateWith is Truncate with the given ellipsis; a limit too small for
// the ellipsis and any text gets the start of the ellipsis alone.
func truncateWith(s string, max int, ellipsis string) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	el := utf8.RuneCountInString(ellipsis)
	if max <= el {
		return string([]rune(ellipsis)[:max])
	}
	n := 0
	for i := range s {
		if n == max-el {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + ellipsis
		}
		n++
	}
	return s
}

// TruncateBytes cuts s to at most max bytes on a rune boundary, ending in
// Ellipsis when cut; for limits that services count in bytes.
func TruncateBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	limit := max - len(Ellipsis)
	if limit < 0 {
		return ""
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit] + Ellipsis
}

// OneLine replaces line breaks, tabs and other control characters with
// spaces, drops terminal escape sequences and bidi controls, and collapses
// runs of spaces: subjects and headers must be a
// single clean line (SNS rejects control characters in a subject, and a
// newline in an email header is an injection).
func OneLine(s string) string {
	var b strings.Builder
	space := false
	// Terminal escape sequences go whole (not just their ESC), and the
	// bidirectional controls that reorder what a reader sees go too.
	for _, r := range safetext.Terminal(s) {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func runes(s string) int { return utf8.RuneCountInString(s) }
