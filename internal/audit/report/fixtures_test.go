package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// fixtures are the snapshots every format is checked on: a small
// organization with PASS, covered, FAIL, UNKNOWN and suspended accounts,
// and one where nothing holds: no trail anywhere, a member whose role
// cannot be assumed, a region whose trails cannot be listed, hostile
// account names and an account closing.
var fixtures = []string{"snapshot.json", "org-failures.json"}

const testVersion = "v1.4.2-test"

func loadFixture(t *testing.T, name string) (*audit.Report, Options) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var s inventory.Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("testdata/%s: %v", name, err)
	}
	r := audit.Evaluate(&s)
	return &r, Options{Version: testVersion, Regions: RegionsOf(&s)}
}

func testOptions(t *testing.T) Options {
	_, o := loadFixture(t, "snapshot.json")
	return o
}

// render formats fixture name with the formatter newF builds.
func render(t *testing.T, name string, newF func(Options) Formatter) (*audit.Report, Options, []byte) {
	t.Helper()
	r, o := loadFixture(t, name)
	var buf bytes.Buffer
	if err := newF(o).Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return r, o, buf.Bytes()
}
