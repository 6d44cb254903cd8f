//go:build !duckdb

package sqlduck

import "context"

// DB is a loaded DuckDB database; in this build there is none.
type DB struct{}

// Available reports whether this build has the engine.
const Available = false

// Open returns ErrNoEngine: this build has no DuckDB.
func Open(context.Context, Table, []Record) (*DB, error) { return nil, ErrNoEngine }

// Query is never reached: Open fails.
func (*DB) Query(context.Context, string) (*Result, error) { return nil, ErrNoEngine }

// Close does nothing.
func (*DB) Close() error { return nil }
