package filterpattern

import (
	"fmt"
	"regexp"
)

// Regex values are compiled with Go's regexp (RE2). AWS's supported subset
// lies inside RE2; the parser checks the character set and translates the
// one difference, an omitted lower bound {,n}, in (*Regex).RE2.
//
// '.' does not match a newline. AWS does not say (spec §9.4); RE2's default
// is also the default of Java's and PCRE's engines, and CloudWatch log events
// are mostly single lines, so the choice only matters for multi-line
// messages such as stack traces, where %ERROR.*Exception% then stays within
// one line.
//
// The regex is searched for anywhere in its subject (unanchored): the whole
// message, a JSON string value or a space-delimited field; ^ and $ anchor at
// the subject's start and end.
func compileRegex(r *Regex) (*regexp.Regexp, error) {
	re, err := regexp.Compile(r.RE2())
	if err != nil {
		return nil, fmt.Errorf("filterpattern: regex %%%s%%: %w", r.Source, err)
	}
	return re, nil
}
