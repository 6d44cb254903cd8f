package scan

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

const messy = "testdata/messy/messy.jsonl"

// engineCount is what `pattern test` counts: every record the CIS
// pattern matches.
func engineCount(t *testing.T, path string) int64 {
	t.Helper()
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var n int64
	if _, err := cloudtrail.Decode(fh, path, func(raw []byte) error {
		if m.Match(raw) {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 10 §5: records that reuse eventIDs across accounts, times and
// event names, or have none, are each one finding; only the same event
// delivered twice is one.
func TestScanCountsEveryRootEventOnce(t *testing.T) {
	want := engineCount(t, messy)
	if want < 20 {
		t.Fatalf("the corpus holds %d CIS matches; expected more", want)
	}
	tests := []struct {
		name    string
		allRoot bool
		paths   []string
		dups    int64
	}{
		{"cis", false, []string{messy}, 0},
		{"all root", true, []string{messy}, 0},
		{"org trail copy", false, []string{messy, "testdata/messy/org-trail-copy.json"}, 9},
		{"org trail copy first, all root", true, []string{"testdata/messy/org-trail-copy.json", messy}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cisConfig(tt.allRoot)
			res, err := Run(context.Background(), cfg, []Source{&Files{Paths: tt.paths}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Partial() {
				t.Fatalf("problems %+v", res.Problems)
			}
			if res.Stats.Matches != want || res.Summary.CIS != int(want) || res.Stats.Duplicates != tt.dups {
				t.Errorf("scan: %d CIS matches, %d duplicates; engine counts %d, want %d duplicates", res.Stats.Matches, res.Stats.Duplicates, want, tt.dups)
			}
			if tt.allRoot && res.Stats.Excluded != 2 {
				t.Errorf("excluded %d, want 2", res.Stats.Excluded)
			}
		})
	}
}

func TestFindingTimeAndSignInFailure(t *testing.T) {
	res, err := Run(context.Background(), cisConfig(false), []Source{&Files{Paths: []string{messy}}})
	if err != nil {
		t.Fatal(err)
	}
	var noTime, failed int
	for _, f := range res.Findings {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "0001-01-01") {
			t.Errorf("zero time in %s", b)
		}
		if f.Time.IsZero() {
			noTime++
			if !strings.Contains(string(b), `"time":null`) {
				t.Errorf("missing time not null: %s", b)
			}
		}
		if f.Kind == KindConsole && !f.Success && f.ErrorCode == "Failure" {
			failed++
		}
	}
	if noTime != 5 || failed != 2 {
		t.Errorf("%d findings without time (want 5), %d failed sign-ins (want 2)", noTime, failed)
	}
}

// Past its bound the dedup set stops dropping: a distinct event is never
// lost, and the report says duplicates may repeat.
func TestHostileDedupBoundNeverDropsDistinctEvents(t *testing.T) {
	cfg := cisConfig(false)
	cfg.dedupMax = 3
	res, err := Run(context.Background(), cfg, []Source{&Files{Paths: []string{messy, messy}}})
	if err != nil {
		t.Fatal(err)
	}
	want := engineCount(t, messy)
	if !res.Stats.DedupFull || res.Stats.Matches < want {
		t.Errorf("bounded dedup: %d matches (engine %d per copy), full %v", res.Stats.Matches, want, res.Stats.DedupFull)
	}
}
