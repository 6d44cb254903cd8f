package detect

import "github.com/rootwatch/rootwatch/filterpattern"

var _ Matcher = (*filterpattern.Matcher)(nil)

// compileEngine is the filter-pattern engine: the same evaluator scan and
// the CIS metric filter comparison use.
func compileEngine(src string) (Matcher, error) {
	m, err := filterpattern.Compile(src)
	if err != nil {
		return nil, err
	}
	return m, nil
}
