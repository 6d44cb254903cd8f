package filterpattern

import "strconv"

// parseNumberLiteral reports whether s is a numeric literal (isNumberText)
// and gives its value. Anything else (hex, inf, 1_000, 4*) is a string.
func parseNumberLiteral(s string) (float64, bool) {
	if !isNumberText(s) {
		return 0, false
	}
	// Out of float64 range is still a number (ParseFloat gives ±Inf); the
	// literal text is kept in the AST for printing.
	f, _ := strconv.ParseFloat(s, 64)
	return f, true
}
