package filterpattern

import "strconv"

// parseNumberLiteral reports whether s is a numeric literal as AWS documents them:
// an optional sign, digits with an optional fraction (or a fraction alone),
// and an optional exponent: 400, +1000, -1, 55.5, .5, 1e-3, 10E3. Anything
// else (hex, inf, 1_000, 4*) is a string.
func parseNumberLiteral(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && isDecimalDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDecimalDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && isDecimalDigit(s[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	// Out of float64 range is still a number (ParseFloat gives ±Inf); the
	// literal text is kept in the AST for printing.
	f, _ := strconv.ParseFloat(s, 64)
	return f, true
}

func isDecimalDigit(c byte) bool { return '0' <= c && c <= '9' }
