//go:build duckdb

package sqlduck

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

// Available reports whether this build has the engine.
const Available = true

// DB is an in-memory DuckDB database holding one table of records.
type DB struct {
	connector *duckdb.Connector
	db        *sql.DB
}

// Open loads records into an in-memory database. A record the layout
// cannot load (not a JSON object) is an error: a table would fail the
// query too.
func Open(ctx context.Context, t Table, records []Record) (*DB, error) {
	if !sqlpattern.ValidName(t.Schema) || !sqlpattern.ValidName(t.Name) {
		return nil, fmt.Errorf("sqlduck: invalid table %q.%q", t.Schema, t.Name)
	}
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("sqlduck: open DuckDB: %w", err)
	}
	d := &DB{connector: c, db: sql.OpenDB(c)}
	// One connection: an in-memory database is per connector, and the
	// appender needs the connection that created the table.
	d.db.SetMaxOpenConns(1)
	if err := d.load(ctx, t, records); err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

func (d *DB) load(ctx context.Context, t Table, records []Record) error {
	stmts := []string{
		fmt.Sprintf(`CREATE SCHEMA %q`, t.Schema),
		sqlpattern.DuckDBDDL(fmt.Sprintf(`%q.%q`, t.Schema, t.Name), "rw_raw"),
	}
	if t.EventDataStore != "" {
		if !sqlpattern.ValidEventDataStore(t.EventDataStore) {
			return fmt.Errorf("sqlduck: invalid event data store %q", t.EventDataStore)
		}
		// Lake's schema: eventtime a TIMESTAMP, readonly a BOOLEAN, and
		// the record itself as eventjson.
		stmts = append(stmts, fmt.Sprintf(`CREATE VIEW %q AS SELECT * EXCLUDE (rw_raw) REPLACE (
			CAST(TRY_CAST(eventtime AS TIMESTAMPTZ) AS TIMESTAMP) AS eventtime,
			TRY_CAST(readonly AS BOOLEAN) AS readonly), rw_raw AS eventjson FROM %q.%q`, t.EventDataStore, t.Schema, t.Name))
	}
	// Timestamps are read and shown in UTC, as Lake shows them.
	if _, err := d.db.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		return fmt.Errorf("sqlduck: %w", err)
	}
	for _, s := range stmts {
		if _, err := d.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("sqlduck: %s: %w", s, err)
		}
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlduck: %w", err)
	}
	defer func() { _ = conn.Close() }() // in-memory: nothing to lose
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), t.Schema, t.Name)
		if err != nil {
			return fmt.Errorf("sqlduck: appender: %w", err)
		}
		for i, r := range records {
			row, err := sqlpattern.LayoutRow(r.JSON)
			if err != nil {
				_ = app.Close()
				return fmt.Errorf("sqlduck: record %d: %w", i, err)
			}
			vals := make([]driver.Value, 0, len(row)+3)
			vals = append(vals, int64(i))
			for _, v := range row {
				vals = append(vals, v)
			}
			vals = append(vals, string(r.JSON), r.Day)
			if err := app.AppendRow(vals...); err != nil {
				_ = app.Close()
				return fmt.Errorf("sqlduck: record %d: %w", i, err)
			}
		}
		return app.Close()
	})
}

// Query runs one statement and returns every row as text.
func (d *DB) Query(ctx context.Context, q string) (*Result, error) {
	rows, err := d.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }() // rows.Err reports what matters
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]*string, len(cols))
		for i, v := range vals {
			row[i] = text(v)
		}
		res.Rows = append(res.Rows, row)
	}
	return res, rows.Err()
}

// text renders a value as Athena's GetQueryResults does: NULL as no
// value, booleans as true/false, timestamps as yyyy-MM-dd HH:mm:ss.SSS.
func text(v any) *string {
	var s string
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	case bool:
		s = strconv.FormatBool(v)
	case time.Time:
		s = v.UTC().Format("2006-01-02 15:04:05.000")
	default:
		s = fmt.Sprint(v)
	}
	return &s
}

// Close releases the database.
func (d *DB) Close() error {
	return errors.Join(d.db.Close(), d.connector.Close())
}
