package filterpattern

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// cisEntry is one CIS AWS Foundations Benchmark monitoring control of
// testdata/conformance/cis.json with the CloudTrail events it must and must
// not match: the shapes CIS 4.3 hinges on (root API call, root console
// sign-in, root with invokedBy, AwsServiceEvent, IAM user, failed root
// sign-in, root without eventType) plus control-specific ones.
type cisEntry struct {
	Control     string `json:"control"`
	SecurityHub string `json:"securityHub"`
	Title       string `json:"title"`
	Pattern     string `json:"pattern"`
	Cases       []struct {
		Name  string `json:"name"`
		Event string `json:"event"`
		Match bool   `json:"match"`
	} `json:"cases"`
}

func TestCISControls(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "conformance", "cis.json"))
	if err != nil {
		t.Fatal(err)
	}
	var controls []cisEntry
	if err := json.Unmarshal(data, &controls); err != nil {
		t.Fatal(err)
	}
	if len(controls) < 15 {
		t.Fatalf("cis.json holds %d controls, want 4.1-4.15", len(controls))
	}
	for _, ctl := range controls {
		t.Run(ctl.Control, func(t *testing.T) {
			m, err := Compile(ctl.Pattern)
			if err != nil {
				t.Fatalf("%s (%s): %v", ctl.Control, ctl.Title, err)
			}
			var pos, neg int
			for _, c := range ctl.Cases {
				if c.Match {
					pos++
				} else {
					neg++
				}
				if got := m.Match([]byte(c.Event)); got != c.Match {
					t.Errorf("%s %s: Match = %v, want %v\n%s", ctl.Control, c.Name, got, c.Match, c.Event)
				}
				if got := refMatch(m.Pattern(), []byte(c.Event)); got != c.Match {
					t.Errorf("%s %s: reference evaluator says %v, want %v", ctl.Control, c.Name, got, c.Match)
				}
			}
			if pos == 0 || neg == 0 {
				t.Errorf("%s needs events that match and events that do not (%d, %d)", ctl.Control, pos, neg)
			}
		})
	}
}

// TestCIS43Truth counts CIS 4.3 matches on ctgen corpora and compares them
// with the generator's own classification: the committed sample always, and
// a fresh one from internal/tools/ctgen.
func TestCIS43Truth(t *testing.T) {
	t.Run("committed sample", func(t *testing.T) {
		f, err := os.Open(filepath.Join("testdata", "ctgen", "events.jsonl.gz"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		var events [][]byte
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			events = append(events, append([]byte(nil), sc.Bytes()...))
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		tj, err := os.ReadFile(filepath.Join("testdata", "ctgen", "truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		var truth ctTruth
		if err := json.Unmarshal(tj, &truth); err != nil {
			t.Fatal(err)
		}
		checkCIS43Count(t, events, truth)
	})
	t.Run("generated", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short")
		}
		events, truth := ctCorpus(t, "2000")
		checkCIS43Count(t, events, truth)
	})
}

func checkCIS43Count(t *testing.T, events [][]byte, truth ctTruth) {
	t.Helper()
	if len(events) != truth.Records {
		t.Fatalf("%d events, truth.json says %d records", len(events), truth.Records)
	}
	m := MustCompile(cisPattern)
	mf, err := NewMetricFilter(cisPattern, MetricTransformation{
		MetricName: "RootAccountUsage", MetricNamespace: "CISBenchmark", MetricValue: "1",
	})
	if err != nil {
		t.Fatal(err)
	}
	var n, ref int
	var sum float64
	for _, ev := range events {
		if m.Match(ev) {
			n++
		}
		if refMatch(m.Pattern(), ev) {
			ref++
		}
		if res, ok := mf.Evaluate(ev); ok && res.HasValue {
			sum += res.Value
		}
	}
	if n != truth.CISMatches || ref != truth.CISMatches || int(sum) != truth.CISMatches {
		t.Errorf("CIS 4.3: Match %d, reference %d, metric sum %v; ctgen truth %d", n, ref, sum, truth.CISMatches)
	}
}
