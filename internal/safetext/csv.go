package safetext

// CSVCell neutralises a cell that a spreadsheet would read as a formula, by
// OWASP's rule for CSV injection: a cell that starts with '=', '+', '-', '@',
// a tab or a carriage return gets a leading single quote, which Excel,
// LibreOffice and Google Sheets show as text. Quoting and embedded commas
// stay encoding/csv's job. Machine consumers that need the raw value turn
// this off at the call site (rootwatch's --csv-raw).
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// CSVRow applies CSVCell to every cell of row, in place, and returns it.
func CSVRow(row []string) []string {
	for i, c := range row {
		row[i] = CSVCell(c)
	}
	return row
}
