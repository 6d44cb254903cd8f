package sqlpattern

import (
	"fmt"
	"strings"
	"time"
)

// ColumnKind is how a selected column goes back into a rebuilt record.
type ColumnKind int

const (
	// ColumnText: a JSON string (NULL: the key is left out).
	ColumnText ColumnKind = iota + 1
	// ColumnBool: a JSON boolean held as the text true/false.
	ColumnBool
	// ColumnJSON: JSON text, embedded as it is when it is valid JSON,
	// as a string otherwise.
	ColumnJSON
	// ColumnRaw: the whole record's JSON (CloudTrail Lake's eventjson).
	ColumnRaw
)

// Column is one column a query selects and where its value goes.
type Column struct {
	// Path is the record's keys down to the value (nil for ColumnRaw).
	Path []string
	SQL  string
	Kind ColumnKind
}

// Columns are what a query selects for the dialect: for CloudTrail Lake
// the record itself (eventjson); for the Athena layout every scalar and
// JSON text column, from which Rebuild writes the record back.
func Columns(d Dialect) []Column {
	if d == Lake {
		return []Column{{SQL: "eventjson", Kind: ColumnRaw}}
	}
	var cols []Column
	var walk func(f *field, path []string, expr string)
	walk = func(f *field, path []string, expr string) {
		for _, m := range f.members {
			p := append(append([]string(nil), path...), m.json)
			e := ident(m.sqlName())
			if expr != "" {
				e = expr + "." + e
			}
			switch m.kind {
			case kindString:
				cols = append(cols, Column{Path: p, SQL: e, Kind: ColumnText})
			case kindBool:
				cols = append(cols, Column{Path: p, SQL: e, Kind: ColumnBool})
			case kindJSONText:
				cols = append(cols, Column{Path: p, SQL: e, Kind: ColumnJSON})
			case kindStruct:
				walk(m, p, e)
			}
		}
	}
	walk(d.table(), nil, "")
	return cols
}

// MatchColumn is the name of the first selected column: whether the row
// satisfies the translated pattern (as opposed to AlsoRoot).
const MatchColumn = "rootwatch_match"

// Partitioning is how an Athena table is partitioned.
type Partitioning int

const (
	// PartitionTimestamp: the documented table's projected partition
	// `timestamp`, the delivery day as yyyy/MM/dd.
	PartitionTimestamp Partitioning = iota
	// PartitionNone: no partition column; the window is applied to
	// records only.
	PartitionNone
	// PartitionYMD: the manually partitioned table of the Athena User
	// Guide, PARTITIONED BY (region, year, month, day) as strings.
	PartitionYMD
)

// QueryOptions complete a query.
type QueryOptions struct {
	// Table is the FROM target: "db"."table" (quoted by the caller's
	// checks) or an event data store ID.
	Table string
	// Since and Until bound the records; zero ends are open.
	Since, Until time.Time
	Partition    Partitioning
	// AlsoRoot adds every root event (scan --all-root).
	AlsoRoot bool
}

// Query is the full SELECT for a translation.
func (t *Translation) Query(o QueryOptions) string {
	// The first column is the SQL verdict on the pattern itself, so a
	// row selected only by AlsoRoot is told apart.
	sel := []string{"COALESCE(" + t.Where + ", FALSE) AS " + MatchColumn}
	for _, c := range Columns(t.Dialect) {
		sel = append(sel, c.SQL)
	}
	where := t.Where
	if o.AlsoRoot {
		root := `"useridentity"."type" = 'Root'`
		if where == "TRUE" {
			where = "TRUE"
		} else {
			where = "(" + where + ") OR " + root
		}
	}
	conds := []string{"(" + where + ")"}
	conds = append(conds, t.window(o)...)
	return fmt.Sprintf("SELECT %s\nFROM %s\nWHERE %s", strings.Join(sel, ", "), o.Table, strings.Join(conds, "\n  AND "))
}

// window pushes --since/--until down. CloudTrail Lake filters on
// eventtime (with a second of slack: the scan applies the exact window to
// each record). The Athena table is cut by its delivery-day partition,
// with a day of slack on each side: a log file delivered after midnight
// holds events of the day before.
func (t *Translation) window(o QueryOptions) []string {
	var out []string
	if t.Dialect == Lake {
		const layout = "2006-01-02 15:04:05"
		if !o.Since.IsZero() {
			out = append(out, "eventtime >= "+literal(o.Since.UTC().Add(-time.Second).Format(layout)))
		}
		if !o.Until.IsZero() {
			out = append(out, "eventtime <= "+literal(o.Until.UTC().Add(time.Second).Format(layout)))
		}
		return out
	}
	switch o.Partition {
	case PartitionYMD:
		if !o.Since.IsZero() {
			out = append(out, ymdBound(o.Since.UTC().AddDate(0, 0, -1), ">"))
		}
		if !o.Until.IsZero() {
			out = append(out, ymdBound(o.Until.UTC().AddDate(0, 0, 1), "<"))
		}
		return out
	case PartitionNone:
		return nil
	}
	const day = "2006/01/02"
	if !o.Since.IsZero() {
		out = append(out, `"timestamp" >= `+literal(o.Since.UTC().AddDate(0, 0, -1).Format(day)))
	}
	if !o.Until.IsZero() {
		out = append(out, `"timestamp" <= `+literal(o.Until.UTC().AddDate(0, 0, 1).Format(day)))
	}
	return out
}

// ymdBound compares the (year, month, day) partition strings with a day,
// column by column so that Athena prunes partitions (a concatenation of
// the columns would not prune); cmp is ">" for "on or after", "<" for "on
// or before".
func ymdBound(t time.Time, cmp string) string {
	y, m, d := literal(t.Format("2006")), literal(t.Format("01")), literal(t.Format("02"))
	return fmt.Sprintf(`("year" %[1]s %[2]s OR ("year" = %[2]s AND ("month" %[1]s %[3]s OR ("month" = %[3]s AND "day" %[1]s= %[4]s))))`, cmp, y, m, d)
}

// ValidName reports whether s is an Athena database or table name rootwatch
// puts in a query: letters, digits and underscores (Athena's rule for
// names), at most 255 characters.
func ValidName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// ValidEventDataStore reports whether s can be an event data store ID in
// FROM: the ID part of its ARN, letters, digits and '-'.
func ValidEventDataStore(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// TableRef is "db"."table" for names ValidName accepts.
func TableRef(db, table string) string { return ident(db) + "." + ident(table) }
