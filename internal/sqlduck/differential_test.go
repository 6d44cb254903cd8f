//go:build duckdb

package sqlduck

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

// What the differential tests prove, on DuckDB with the Athena layout:
//   - an exact translation selects exactly the records the engine matches,
//     on every record that keeps the table contract (KeepsContract);
//   - every translation, exact or approximate, selects a superset of the
//     engine's matches on every record of the corpus that keeps the
//     contract, so re-checking the selected records is sound.
// Records that break the contract (hand-written conformance events with a
// null or numeric eventType, say) are counted, and an exact translation
// that disagrees on them is logged, not failed: the table cannot carry the
// difference.

type fixture struct {
	db      *DB
	records [][]byte
	keeps   []bool
}

func load(t *testing.T) *fixture {
	t.Helper()
	recs := corpus(t)
	if len(recs) < 500 {
		t.Fatalf("corpus holds %d records", len(recs))
	}
	in := make([]Record, len(recs))
	keeps := make([]bool, len(recs))
	broken := 0
	for i, r := range recs {
		in[i] = Record{JSON: r, Day: "2026/01/01"}
		keeps[i] = sqlpattern.KeepsContract(r)
		if !keeps[i] {
			broken++
		}
	}
	db, err := Open(context.Background(), Table{Schema: "ct", Name: "logs", EventDataStore: "eds"}, in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	t.Logf("%d records, %d break the table contract", len(recs), broken)
	return &fixture{db: db, records: recs, keeps: keeps}
}

// check compares one pattern; it returns false when the pattern does not
// compile.
func (f *fixture) check(t *testing.T, src string) bool {
	t.Helper()
	p, err := filterpattern.Parse(src)
	if err != nil {
		return false
	}
	m, err := filterpattern.NewMatcher(p)
	if err != nil {
		return false
	}
	tr, err := sqlpattern.Translate(p, sqlpattern.DuckDB)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	res, err := f.db.Query(context.Background(), `SELECT rw_id FROM "ct"."logs" WHERE `+tr.Where)
	if err != nil {
		t.Errorf("%s\nSQL: %s\nDuckDB: %v", src, tr.Where, err)
		return true
	}
	sqlSet := make([]bool, len(f.records))
	for _, row := range res.Rows {
		id, err := strconv.Atoi(*row[0])
		if err != nil {
			t.Fatal(err)
		}
		sqlSet[id] = true
	}
	for i, rec := range f.records {
		engine := m.Match(rec)
		switch {
		case engine && !sqlSet[i] && f.keeps[i]:
			t.Errorf("%s (%s): SQL misses record %d the engine matches\nSQL: %s\n%s", src, tr.Label(), i, tr.Where, rec)
		case tr.Exact && sqlSet[i] && !engine && f.keeps[i]:
			t.Errorf("%s (exact): SQL selects record %d the engine does not match\nSQL: %s\n%s", src, i, tr.Where, rec)
		case tr.Exact && engine != sqlSet[i]:
			t.Logf("%s: record %d breaks the table contract; engine %v, SQL %v", src, i, engine, sqlSet[i])
		}
	}
	return true
}

func TestDifferentialConformance(t *testing.T) {
	f := load(t)
	n := 0
	for _, src := range conformancePatterns(t) {
		if f.check(t, src) {
			n++
		}
	}
	if n < 40 {
		t.Fatalf("only %d conformance patterns checked", n)
	}
}

// TestDifferentialCIS43 runs the CIS 4.3 pattern on the Lake view too: the
// same SQL on Lake's schema selects the same records.
func TestDifferentialCIS43Lake(t *testing.T) {
	f := load(t)
	const cis = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
	p := mustParse(t, cis)
	m, _ := filterpattern.NewMatcher(p)
	tr, err := sqlpattern.Translate(p, sqlpattern.Lake)
	if err != nil || !tr.Exact {
		t.Fatalf("Lake translation: %v %+v", err, tr)
	}
	res, err := f.db.Query(context.Background(), tr.Query(sqlpattern.QueryOptions{Table: "eds"}))
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, row := range res.Rows {
		if !m.Match([]byte(*row[1])) {
			t.Errorf("Lake query selects a record the engine does not match: %s", *row[1])
		}
		got++
	}
	want := 0
	for i, r := range f.records {
		if m.Match(r) && f.keeps[i] {
			want++
		}
	}
	if got != want || want == 0 {
		t.Errorf("Lake query selected %d records, engine matches %d", got, want)
	}
}

// TestDifferentialRandom draws patterns from the corpus itself: paths and
// values of real records, every operator, joined by && and ||.
func TestDifferentialRandom(t *testing.T) {
	f := load(t)
	rng := rand.New(rand.NewPCG(15, 2026))
	n := 300
	if testing.Short() {
		n = 60
	}
	for range n {
		src := randomPattern(rng, f.records)
		f.check(t, src)
	}
}

func mustParse(t *testing.T, s string) *filterpattern.Pattern {
	t.Helper()
	p, err := filterpattern.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func randomPattern(rng *rand.Rand, recs [][]byte) string {
	k := 1 + rng.IntN(3)
	var conds []string
	for range k {
		conds = append(conds, randomCond(rng, recs[rng.IntN(len(recs))]))
	}
	var b strings.Builder
	b.WriteString("{ ")
	for i, c := range conds {
		if i > 0 {
			if rng.IntN(2) == 0 {
				b.WriteString(" && ")
			} else {
				b.WriteString(" || ")
			}
		}
		b.WriteString(c)
	}
	b.WriteString(" }")
	return b.String()
}

func randomCond(rng *rand.Rand, rec []byte) string {
	paths := scalarPaths(rec)
	if len(paths) == 0 {
		return `$.eventName = "ConsoleLogin"`
	}
	pv := paths[rng.IntN(len(paths))]
	sel, val := pv[0], pv[1]
	q := strconv.Quote(val)
	switch rng.IntN(9) {
	case 0, 1:
		return sel + " = " + q
	case 2:
		return sel + " != " + q
	case 3:
		return sel + " NOT EXISTS"
	case 4:
		return sel + " IS NULL"
	case 5:
		if len(val) > 2 {
			return sel + " = " + strconv.Quote(val[:len(val)/2]+"*")
		}
		return sel + " = \"*\""
	case 6:
		if len(val) > 2 {
			return sel + " = " + strconv.Quote("*"+val[len(val)/2:])
		}
		return sel + " != \"x\""
	case 7:
		return sel + " > " + strconv.Itoa(rng.IntN(3))
	}
	return sel + " IS TRUE"
}

// scalarPaths lists selector/value pairs of a record's string leaves.
func scalarPaths(rec []byte) [][2]string {
	v, err := decodeAny(rec)
	if err != nil {
		return nil
	}
	var out [][2]string
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		if depth > 4 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if !selectorName(k) {
					continue
				}
				walk(prefix+"."+k, v[k], depth+1)
			}
		case []any:
			for i, e := range v {
				if i > 2 {
					break
				}
				walk(fmt.Sprintf("%s[%d]", prefix, i), e, depth+1)
			}
		case string:
			if len(v) < 200 && !strings.ContainsAny(v, "\n\r") {
				out = append(out, [2]string{prefix, v})
			}
		}
	}
	walk("$", v, 0)
	return out
}

func selectorName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
