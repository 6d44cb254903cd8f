package sqlpattern

import (
	"fmt"
	"strings"
)

// Text is the translation as `rootwatch pattern sql` prints it: the label,
// each reason, and the WHERE clause.
func (t *Translation) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s: %s\n", t.Dialect, t.Label())
	for _, r := range t.Reasons {
		fmt.Fprintf(&b, "--   approximate: %s: %s", oneLine(r.Condition), r.Why)
		if !r.Rebuildable {
			b.WriteString(" (not re-checkable from the table's columns)")
		}
		b.WriteString("\n")
	}
	b.WriteString(t.Where)
	b.WriteString("\n")
	return b.String()
}

// oneLine keeps a pattern's text on the comment line: a line break in a
// quoted value would end the SQL comment and let the rest run as SQL.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}
