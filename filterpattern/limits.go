package filterpattern

import (
	"errors"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Limits CloudWatch Logs enforces on a single pattern (PutMetricFilter,
// "Filter pattern syntax", "Supported regular expressions").
const (
	// MaxPatternLength is the longest filterPattern, in characters.
	MaxPatternLength = 1024
	// MaxRegexes is the most %regex% values one JSON or space-delimited
	// pattern may hold.
	MaxRegexes = 2
	// MaxWildcardsPerSelector is the most [*] or .* steps in one selector.
	MaxWildcardsPerSelector = 1
	// MaxWildcardSelectors is the most selectors with a wildcard step in one
	// JSON pattern.
	MaxWildcardSelectors = 3
)

// regexAllowed reports whether AWS accepts byte c inside %...%: letters,
// digits, the symbols : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \ * + .
// A space is not in AWS's list, yet the documentation's own example
// %^starting|^initializing|^shutting down% contains one, so it is accepted.
// Parentheses and multi-byte characters are refused, as documented.
func regexAllowed(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(":_#=@/;,-^$?[]{}|\\*+. ", c) >= 0
}

// checkRegex validates the text between the percent signs of a regex that
// starts at byte offset pos (the opening '%') of src.
func checkRegex(src string, pos int, body string) error {
	if body == "" {
		return errAt(src, pos, "regular expression", "empty regular expression %%%%")
	}
	escaped := false // body[i] is escaped by the backslash before it
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c >= utf8.RuneSelf {
			return errAt(src, pos+1+i, "", "multi-byte characters are not supported in a regular expression; use \\xhh for ASCII characters")
		}
		if c == '(' || c == ')' {
			return errAt(src, pos+1+i, "", "parentheses are not supported in a regular expression: no sub-patterns (use \\x28 or \\x29 to match one)")
		}
		if !regexAllowed(c) {
			return errAt(src, pos+1+i, "", "character %q is not supported in a regular expression (use \\x%02X to match it)", string(c), c)
		}
		if c == '\\' && !escaped && i+1 < len(body) {
			// Go's RE2 would take these, AWS's subset has no Unicode
			// classes (\p, \P), quoting (\Q...\E) or single bytes (\C).
			if e := body[i+1]; e == 'p' || e == 'P' || e == 'Q' || e == 'E' || e == 'C' {
				return errAt(src, pos+1+i, "", "escape \\%c is not supported in a regular expression (AWS supports \\d \\D \\s \\S \\w \\W \\xhh and escaped operators)", e)
			}
		}
		escaped = c == '\\' && !escaped
	}
	if _, err := syntax.Parse(awsRegexToRE2(body), syntax.Perl); err != nil {
		return errAt(src, pos+1, "valid regular expression", "invalid regular expression %%%s%%: %v", body, regexReason(err))
	}
	return nil
}

// regexReason strips the package prefix from a regexp/syntax error.
func regexReason(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return se.Code.String() + " " + se.Expr
	}
	return err.Error()
}

// RE2 is the regex in Go's RE2 syntax, ready for regexp.Compile.
func (r *Regex) RE2() string { return awsRegexToRE2(r.Source) }

// awsRegexToRE2 translates an AWS regex body (the text between the percent signs) to
// Go's RE2 syntax. The two agree on the supported subset except for an
// omitted lower repetition bound: AWS documents {,n} (RE2 would read it as
// literal text), so it becomes {0,n}.
func awsRegexToRE2(body string) string {
	if !strings.Contains(body, "{,") {
		return body
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body):
			b.WriteByte(c)
			b.WriteByte(body[i+1])
			i++
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			// A ']' right after '[' or '[^' is a literal member.
			b.WriteByte(c)
			if i+1 < len(body) && body[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(body) && body[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
			continue
		case c == '{' && i+1 < len(body) && body[i+1] == ',' && isRepeatTail(body[i+2:]):
			b.WriteString("{0")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isRepeatTail reports whether s starts with digits followed by '}'.
func isRepeatTail(s string) bool {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n > 0 && n < len(s) && s[n] == '}'
}

// checkLength enforces MaxPatternLength (characters, as the API counts).
func checkLength(src string) error {
	if utf8.RuneCountInString(src) <= MaxPatternLength {
		return nil
	}
	off, n := 0, 0
	for i := range src {
		if n == MaxPatternLength {
			off = i
			break
		}
		n++
	}
	return errAt(src, off, "", "pattern is longer than %d characters", MaxPatternLength)
}
