package filterpattern

// parseTerms parses an unstructured pattern: whitespace-separated words and
// double-quoted phrases, each with an optional '-' (must not occur) or '?'
// (any of) prefix. Unquoted words may hold only letters, digits and '_'
// (AWS: "terms that include characters other than alphanumeric or
// underscore must be placed inside double quotes"; it rejects '@' and '/').
//
// A quoted phrase of blanks only without a prefix (AWS's match-everything
// pattern " ") constrains nothing and is dropped, so " " parses to the
// empty pattern.
func parseTerms(src string, lead int) (*Pattern, error) {
	pat := &Pattern{Kind: KindTerms, Source: src}
	i := lead
	for {
		for i < len(src) && isPatternSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return pat, nil
		}
		start := i
		prefix := PrefixNone
		switch src[i] {
		case '-':
			prefix = PrefixExclude
			i++
		case '?':
			prefix = PrefixOptional
			i++
		}
		if prefix != PrefixNone {
			// The old user guide writes "ERROR" - "Exiting" for "exclude
			// Exiting": a prefix may be separated from its term by blanks.
			for i < len(src) && isPatternSpace(src[i]) {
				i++
			}
		}
		if i >= len(src) {
			return nil, errAt(src, i, "term", "expected a term after %q, found %s", src[start:i], describeAt(src, i))
		}
		if prefix != PrefixNone && (src[i] == '-' || src[i] == '?') {
			return nil, errAt(src, i, "term", "a term takes one prefix, found %q after %q", src[i:i+1], src[start:start+1])
		}
		var term Term
		if src[i] == '"' {
			text, end, err := scanQuoted(src, i)
			if err != nil {
				return nil, err
			}
			if end < len(src) && !isPatternSpace(src[end]) {
				return nil, errAt(src, end, "space", "expected a space after the quoted term, found %s", describeAt(src, end))
			}
			term = Term{Prefix: prefix, Text: text, Quoted: true, Pos: start}
			i = end
		} else {
			j := i
			for j < len(src) && !isPatternSpace(src[j]) {
				if !isTermByte(src[j]) {
					return nil, errAt(src, j, "letter, digit or _", "unquoted terms may hold only letters, digits and _, found %s; put the term in double quotes", describeAt(src, j))
				}
				j++
			}
			term = Term{Prefix: prefix, Text: src[i:j], Pos: start}
			i = j
		}
		if term.Quoted && prefix == PrefixNone && isBlankText(term.Text) {
			continue
		}
		pat.Terms = append(pat.Terms, term)
	}
}

func isTermByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// isBlankText reports whether s is empty or only blanks (space, tab, CR,
// LF). The parser, the term matcher and the normal form all use it.
func isBlankText(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isPatternSpace(s[i]) {
			return false
		}
	}
	return true
}
