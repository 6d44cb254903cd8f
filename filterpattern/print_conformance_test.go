package filterpattern

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCanonicalFormKeepsMeaning prints every pattern of the conformance
// corpora (testdata/conformance: AWS documentation examples and the CIS
// 4.x patterns with their events) in canonical form and checks that the
// canonical form round-trips and matches exactly the events the original
// is documented to match: printing never changes what a pattern means.
func TestCanonicalFormKeepsMeaning(t *testing.T) {
	type entry struct {
		Pattern string `json:"pattern"`
		Invalid bool   `json:"invalid"`
		Cases   []struct {
			Event string `json:"event"`
			Match bool   `json:"match"`
		} `json:"cases"`
	}
	for _, name := range []string{"aws-docs.json", "cis.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "conformance", name))
		if err != nil {
			t.Fatal(err)
		}
		var entries []entry
		if err := json.Unmarshal(data, &entries); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checked := 0
		for _, e := range entries {
			p, err := Parse(e.Pattern)
			if e.Invalid {
				if err == nil {
					t.Errorf("%s: %q is documented invalid, Parse accepted it", name, e.Pattern)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %q: %v", name, e.Pattern, err)
				continue
			}
			checkRoundTrip(t, e.Pattern, p)
			m, err := Compile(p.String())
			if err != nil {
				t.Errorf("%s: canonical form %q of %q does not compile: %v", name, p.String(), e.Pattern, err)
				continue
			}
			for _, c := range e.Cases {
				if got := m.Match([]byte(c.Event)); got != c.Match {
					t.Errorf("%s: canonical %q (of %q) on %q = %v, want %v", name, p.String(), e.Pattern, c.Event, got, c.Match)
				}
			}
			checked++
		}
		if checked == 0 {
			t.Errorf("%s: no pattern checked", name)
		}
	}
}
