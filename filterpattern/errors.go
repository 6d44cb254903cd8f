package filterpattern

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError is a pattern that CloudWatch Logs would reject, with the place
// and the reason. Offset is a byte offset into Pattern; Line and Column are
// 1-based and count characters, so a caret can be drawn under the culprit.
type SyntaxError struct {
	Pattern  string
	Offset   int // byte offset of the problem in Pattern
	Line     int // 1-based line (patterns are almost always one line)
	Column   int // 1-based character column within Line
	Msg      string
	Expected string // what the parser wanted there, "" when nothing specific
}

func (e *SyntaxError) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// Caret returns the offending line of the pattern and, under it, a caret
// pointing at the column. Tabs are kept in the padding so the caret lines up
// in a terminal.
func (e *SyntaxError) Caret() string {
	start := strings.LastIndexByte(e.Pattern[:e.Offset], '\n') + 1
	end := strings.IndexByte(e.Pattern[e.Offset:], '\n')
	if end < 0 {
		end = len(e.Pattern)
	} else {
		end += e.Offset
	}
	line := e.Pattern[start:end]
	var pad strings.Builder
	for _, r := range e.Pattern[start:e.Offset] {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	return line + "\n" + pad.String() + "^"
}

// errAt builds a SyntaxError at byte offset off of src.
func errAt(src string, off int, expected, format string, args ...any) *SyntaxError {
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	// Never point into the middle of a multi-byte character.
	for off > 0 && off < len(src) && !utf8.RuneStart(src[off]) {
		off--
	}
	line := 1 + strings.Count(src[:off], "\n")
	lineStart := strings.LastIndexByte(src[:off], '\n') + 1
	return &SyntaxError{
		Pattern:  src,
		Offset:   off,
		Line:     line,
		Column:   utf8.RuneCountInString(src[lineStart:off]) + 1,
		Msg:      fmt.Sprintf(format, args...),
		Expected: expected,
	}
}

// describe renders the text found at a position for an error message.
func describeAt(src string, off int) string {
	if off >= len(src) {
		return "end of pattern"
	}
	r, _ := utf8.DecodeRuneInString(src[off:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", src[off])
	}
	return fmt.Sprintf("%q", string(r))
}
