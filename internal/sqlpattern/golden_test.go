package sqlpattern

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/filterpattern"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// cisControls reads the CIS 4.1-4.15 patterns of the engine's conformance
// suite.
func cisControls(t testing.TB) []struct{ Control, Pattern string } {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "filterpattern", "testdata", "conformance", "cis.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []struct{ Control, Pattern string }
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	if len(all) < 15 {
		t.Fatalf("cis.json holds %d controls", len(all))
	}
	return all
}

// TestGoldenCIS pins the SQL of every CIS monitoring control per dialect:
// the label, the reasons and the full query with a window.
func TestGoldenCIS(t *testing.T) {
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	for _, d := range []Dialect{Athena, Trino, Lake, DuckDB} {
		var b strings.Builder
		for _, c := range cisControls(t) {
			p, err := filterpattern.Parse(c.Pattern)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := Translate(p, d)
			if err != nil {
				t.Fatal(err)
			}
			table := `"cloudtrail"."cloudtrail_logs_pp"`
			if d == Lake {
				table = "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"
			}
			fmt.Fprintf(&b, "-- %s\n%s%s;\n\n", c.Control, tr.Text(), tr.Query(QueryOptions{Table: table, Since: since, Until: until}))
		}
		name := filepath.Join("testdata", "golden", "cis-"+d.String()+".sql")
		if *update {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if string(want) != b.String() {
			t.Errorf("%s differs from the translation (run go test -update and review the diff)", name)
		}
	}
}

// The CIS 4.3 pattern must be exact on both tables.
func TestCIS43Exact(t *testing.T) {
	for _, c := range cisControls(t) {
		if !strings.HasSuffix(c.Control, " 4.3") {
			continue
		}
		for _, d := range []Dialect{Athena, Trino, Lake, DuckDB} {
			if tr := translate(t, c.Pattern, d); !tr.Exact {
				t.Errorf("%s on %s is approximate: %+v", c.Control, d, tr.Reasons)
			}
		}
		return
	}
	t.Fatal("no 4.3 control in cis.json")
}
