// Package sqlduck runs the SQL that internal/sqlpattern writes on DuckDB,
// over CloudTrail records loaded with the Athena table's layout (and a
// CloudTrail Lake view of the same records). The differential tests and the
// endpoint emulator's Athena and CloudTrail Lake query engines use it.
//
// DuckDB needs cgo: the engine is built only with the build tag duckdb.
// Without it, Open returns ErrNoEngine, and callers must report that as a
// failure (the emulator fails the query), never as an empty result.
package sqlduck

import "errors"

// ErrNoEngine is returned by Open in a build without the duckdb tag.
var ErrNoEngine = errors.New("no SQL engine in this build: rebuild with -tags duckdb (cgo) to run Athena and CloudTrail Lake queries locally")

// Table is where records are loaded.
type Table struct {
	// Schema and Name are the Athena database and table.
	Schema, Name string
	// EventDataStore is the name of the CloudTrail Lake view of the
	// same records ("" for none).
	EventDataStore string
}

// Record is one CloudTrail record and the partition it is stored under.
type Record struct {
	JSON []byte
	// Day is the `timestamp` partition value (yyyy/MM/dd).
	Day string
}

// Result is a query's columns and rows; a nil cell is SQL NULL.
type Result struct {
	Columns []string
	Rows    [][]*string
}
