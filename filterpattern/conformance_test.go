package filterpattern

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// conformanceEntry is one pattern of testdata/conformance/aws-docs.json: an
// example from the AWS documentation (or a public report of what AWS did),
// with the events the source says it matches or not, or "invalid" when AWS
// rejects the pattern.
type conformanceEntry struct {
	Source  string `json:"source"`
	Pattern string `json:"pattern"`
	Invalid bool   `json:"invalid"`
	Note    string `json:"note"`
	Cases   []struct {
		Name  string `json:"name"`
		Event string `json:"event"`
		Match bool   `json:"match"`
		Note  string `json:"note"`
	} `json:"cases"`
}

func loadConformance(t *testing.T, name string) []conformanceEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "conformance", name))
	if err != nil {
		t.Fatal(err)
	}
	var entries []conformanceEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(entries) == 0 {
		t.Fatalf("%s holds no entries", name)
	}
	return entries
}

// TestConformanceAWSDocs runs every documented example: the pattern is
// accepted or rejected as AWS does, and each event matches or not as the
// source says, through the fast path and through the reference evaluator.
func TestConformanceAWSDocs(t *testing.T) {
	for _, e := range loadConformance(t, "aws-docs.json") {
		t.Run(e.Pattern, func(t *testing.T) {
			m, err := Compile(e.Pattern)
			if e.Invalid {
				if err == nil {
					t.Fatalf("%s: AWS rejects %q, Compile accepted it", e.Source, e.Pattern)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: AWS accepts %q, Compile: %v", e.Source, e.Pattern, err)
			}
			if len(e.Cases) == 0 {
				t.Fatalf("%s: a valid pattern needs cases", e.Source)
			}
			for _, c := range e.Cases {
				if got := m.Match([]byte(c.Event)); got != c.Match {
					t.Errorf("%s: Match(%q, %q) = %v, want %v %s", e.Source, e.Pattern, c.Event, got, c.Match, c.Note)
				}
				if got := refMatch(m.Pattern(), []byte(c.Event)); got != c.Match {
					t.Errorf("%s: reference evaluator says %v for %q, want %v", e.Source, got, c.Event, c.Match)
				}
			}
		})
	}
}
