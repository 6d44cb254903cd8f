package sqlpattern

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dialect is the SQL engine and table layout a translation targets.
type Dialect int

const (
	// Athena: Amazon Athena (engine version 3, Trino SQL) over the
	// CloudTrail table of the Athena User Guide.
	Athena Dialect = iota + 1
	// Trino: the same table read by Trino itself.
	Trino
	// Lake: a CloudTrail Lake event data store (Trino SQL, Lake's schema).
	Lake
	// DuckDB: the Athena table's layout loaded into DuckDB (tests and
	// local runs).
	DuckDB
)

// Dialects are the names ParseDialect accepts, in order.
var Dialects = []string{"athena", "trino", "cloudtrail-lake", "duckdb"}

// ParseDialect reads a dialect name.
func ParseDialect(s string) (Dialect, error) {
	switch s {
	case "athena":
		return Athena, nil
	case "trino":
		return Trino, nil
	case "cloudtrail-lake", "lake":
		return Lake, nil
	case "duckdb":
		return DuckDB, nil
	}
	return 0, fmt.Errorf("unknown SQL dialect %q: want one of %s", s, strings.Join(Dialects, ", "))
}

func (d Dialect) String() string {
	switch d {
	case Athena:
		return "athena"
	case Trino:
		return "trino"
	case Lake:
		return "cloudtrail-lake"
	case DuckDB:
		return "duckdb"
	}
	return "unknown"
}

func (d Dialect) table() *field {
	if d == Lake {
		return lakeTable()
	}
	return athenaTable()
}

// tableName says which table the translation assumes, for reasons.
func (d Dialect) tableName() string {
	if d == Lake {
		return "CloudTrail Lake event data store"
	}
	return "Athena CloudTrail table"
}

// ident quotes an identifier. Double quotes are standard SQL in Trino and
// DuckDB; the names come from the schema, never from the pattern.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// literal quotes a string literal. Pattern values are attacker-chosen text
// in a hostile pattern file: the only special character inside '...' is
// the quote itself, doubled.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func number(v float64) string {
	// Doubles, as the engine compares: 1e3 = 1000. A literal past the
	// double range is infinite in the engine, and spelled so here.
	switch {
	case math.IsInf(v, 1):
		return "DOUBLE 'Infinity'"
	case math.IsInf(v, -1):
		return "DOUBLE '-Infinity'"
	}
	return "DOUBLE " + literal(strconv.FormatFloat(v, 'g', -1, 64))
}

// nonEmpty is TRUE for an array with at least one element.
func (d Dialect) nonEmpty(arr string) string {
	if d == DuckDB {
		return fmt.Sprintf("len(%s) > 0", arr)
	}
	return fmt.Sprintf("cardinality(%s) > 0", arr)
}

// elementAt returns the 0-based element i of an array expression, NULL
// when out of range (Trino's a[i] fails out of range; element_at does not).
func (d Dialect) elementAt(arr string, i int) string {
	if d == DuckDB {
		return fmt.Sprintf("%s[%d]", arr, i+1)
	}
	return fmt.Sprintf("element_at(%s, %d)", arr, i+1)
}

// mapValue reads a key of a map<string,string> column.
func (d Dialect) mapValue(m, key string) string {
	if d == DuckDB {
		return fmt.Sprintf("%s[%s]", m, literal(key))
	}
	return fmt.Sprintf("element_at(%s, %s)", m, literal(key))
}

// jsonScalar extracts a scalar from JSON text by path: a string's
// contents, a number's or boolean's text; NULL for objects, arrays, null
// and missing paths.
func (d Dialect) jsonScalar(col, path string) string {
	if d == DuckDB {
		return fmt.Sprintf("json_extract_string(%s, %s)", col, literal(path))
	}
	return fmt.Sprintf("json_extract_scalar(%s, %s)", col, literal(path))
}

// jsonPath builds the JSON path of field names and indexes, or false when a
// name holds a character the path syntax cannot carry safely.
func (d Dialect) jsonPath(names []string, idx []int) (string, bool) {
	var b strings.Builder
	b.WriteString("$")
	for i, n := range names {
		if idx[i] >= 0 {
			fmt.Fprintf(&b, "[%d]", idx[i])
			continue
		}
		if n == "" || strings.ContainsAny(n, "\"\\'\x00") {
			return "", false
		}
		if d == DuckDB {
			b.WriteString(`."` + n + `"`)
		} else {
			b.WriteString(`["` + n + `"]`)
		}
	}
	return b.String(), true
}

// contains is a substring test.
func (d Dialect) contains(e, s string) string {
	return fmt.Sprintf("strpos(%s, %s) > 0", e, literal(s))
}

func (d Dialect) startsWith(e, s string) string {
	return fmt.Sprintf("starts_with(%s, %s)", e, literal(s))
}

func (d Dialect) toDouble(e string) string {
	return fmt.Sprintf("TRY_CAST(%s AS DOUBLE)", e)
}

// anyMatch is TRUE when some element x of arr satisfies cond (written with
// the variable x).
func (d Dialect) anyMatch(arr, x, cond string) string {
	if d == DuckDB {
		return fmt.Sprintf("len(list_filter(%s, lambda %s: %s)) > 0", arr, x, cond)
	}
	return fmt.Sprintf("any_match(%s, %s -> %s)", arr, x, cond)
}

// boolText is how the dialect's table holds a JSON boolean.
func (d Dialect) isBool(e string, v bool) string {
	if d == Lake {
		if v {
			return e + " = TRUE"
		}
		return e + " = FALSE"
	}
	return fmt.Sprintf("%s = %s", e, literal(strconv.FormatBool(v)))
}
