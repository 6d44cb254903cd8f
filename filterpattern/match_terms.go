package filterpattern

// termMatcher evaluates an unstructured pattern (spec §2.2). Terms are
// case-sensitive substrings of the raw message, word boundaries ignored.
type termMatcher struct {
	// matchAll: an empty pattern, blanks only, or a quoted blank phrase
	// among the terms that decide the result.
	matchAll bool
	required []needle // plain terms: every one must occur
	excluded []needle // -terms: none may occur
	anyOf    []needle // ?terms, only when every term has '?'
}

func compileTerms(terms []Term) *termMatcher {
	tm := &termMatcher{}
	allOptional := len(terms) > 0
	for _, t := range terms {
		if t.Prefix != PrefixOptional {
			allOptional = false
		}
	}
	for _, t := range terms {
		// A quoted blank phrase (" ") is the documented "match everything"
		// pattern: it matches even events without a space, so it is a term
		// every event satisfies, and excluding it excludes nothing.
		blank := isBlankText(t.Text)
		switch t.Prefix {
		case PrefixNone:
			if blank {
				continue
			}
			tm.required = append(tm.required, newNeedle(t.Text))
		case PrefixExclude:
			if blank {
				continue
			}
			tm.excluded = append(tm.excluded, newNeedle(t.Text))
		case PrefixOptional:
			// "If you combine "?" with other filter patterns, all question
			// mark terms will be ignored." (FPS)
			if !allOptional {
				continue
			}
			if blank {
				tm.matchAll = true
				tm.anyOf = nil
				return tm
			}
			tm.anyOf = append(tm.anyOf, newNeedle(t.Text))
		}
	}
	if len(tm.required) == 0 && len(tm.excluded) == 0 && len(tm.anyOf) == 0 {
		tm.matchAll = true
	}
	return tm
}

func (tm *termMatcher) match(ev []byte) bool {
	if tm.matchAll {
		return true
	}
	for i := range tm.required {
		if tm.required[i].index(ev) < 0 {
			return false
		}
	}
	for i := range tm.excluded {
		if tm.excluded[i].index(ev) >= 0 {
			return false
		}
	}
	if len(tm.anyOf) == 0 {
		return true
	}
	for i := range tm.anyOf {
		if tm.anyOf[i].index(ev) >= 0 {
			return true
		}
	}
	return false
}
