package scan

import (
	"bytes"
	"compress/gzip"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A root record whose JSON one escape or number breaks cannot be judged by
// the pattern: the scan names it (input and byte) and is partial, never
// "no root activity". A clean record beside it is still found.
func TestHostileMalformedRootRecord(t *testing.T) {
	breaks := map[string]string{
		"bad escape":       `"userAgent":"\x"`,
		"bad unicode":      `"userAgent":"\uZZZZ"`,
		"short unicode":    `"userAgent":"\u12"`,
		"malformed number": `"userAgent":1.2.3`,
	}
	for name, broken := range breaks {
		bad := strings.Replace(rootRecord("bad"), `"userAgent":"aws-cli/2"`, broken, 1)
		if bad == rootRecord("bad") {
			t.Fatal("the record did not change")
		}
		shapes := map[string]struct {
			file string
			body []byte
			// off is where the bad record starts in the decoded input.
			off int
		}{
			"s3 log":     {"log.json", []byte(`{"Records":[` + rootRecord("ok") + "," + bad + `]}`), len(`{"Records":[`) + len(rootRecord("ok")) + 1},
			"json lines": {"log.jsonl", []byte(rootRecord("ok") + "\n" + bad + "\n"), len(rootRecord("ok")) + 1},
			"gzip":       {"log.json.gz", gz(t, `{"Records":[`+bad+","+rootRecord("ok")+`]}`), len(`{"Records":[`)},
		}
		for shape, in := range shapes {
			t.Run(name+"/"+shape, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), in.file)
				write(t, path, string(in.body))
				res := scanPaths(t, context.Background(), cisConfig(false), path)
				if res.Stats.Matches != 1 || res.Stats.Malformed != 1 || len(res.Problems) != 1 {
					t.Fatalf("%d matches, %d malformed, problems %+v; want the good record, one problem", res.Stats.Matches, res.Stats.Malformed, res.Problems)
				}
				p := res.Problems[0]
				brk := in.off + strings.Index(bad, broken) + len(`"userAgent":`)
				if !strings.Contains(p.Msg, in.file) || !strings.Contains(p.Msg, "cannot be judged") || !strings.Contains(p.Msg, "byte ") {
					t.Errorf("problem %q does not name the input, the byte and why", p.Msg)
				}
				if p.Where != path+"@"+itoa(in.off) {
					t.Errorf("problem at %q, want %s@%d (near byte %d)", p.Where, path, in.off, brk)
				}
			})
		}
	}
}

// The same with every root event the pattern excludes reported too.
func TestHostileMalformedRootRecordAllRoot(t *testing.T) {
	bad := strings.Replace(rootRecord("bad"), `"aws-cli/2"`, `"\x"`, 1)
	path := filepath.Join(t.TempDir(), "log.jsonl")
	write(t, path, bad+"\n")
	res := scanPaths(t, context.Background(), cisConfig(true), path)
	if !res.Partial() || res.Stats.Malformed != 1 {
		t.Errorf("--all-root: problems %+v, %d malformed; want the record named", res.Problems, res.Stats.Malformed)
	}
}

// A flood of malformed records is counted, not listed one by one.
func TestHostileMalformedFloodBounded(t *testing.T) {
	bad := strings.Replace(rootRecord("bad"), `"aws-cli/2"`, `"\x"`, 1)
	var b strings.Builder
	const n = 5000
	for range n {
		b.WriteString(bad + "\n")
	}
	path := filepath.Join(t.TempDir(), "flood.jsonl")
	write(t, path, b.String())
	cfg := cisConfig(false)
	cfg.Workers = 1
	res, err := Run(context.Background(), cfg, []Source{&Files{Paths: []string{path}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Malformed != n || len(res.Problems) != maxRecordProblems+1 {
		t.Fatalf("%d malformed, %d problems; want %d and %d", res.Stats.Malformed, len(res.Problems), n, maxRecordProblems+1)
	}
	if !strings.Contains(res.Problems[0].Msg, itoa(n-maxRecordProblems)+" more records") {
		t.Errorf("first problem (sorted by place) %q does not count the rest", res.Problems[0].Msg)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	must(t, w.Close())
	return b.Bytes()
}

// Findings are streamed to the sink as found and counted in the summary:
// the result holds none of them, so memory does not grow with a flood of
// root records (bench/scan-rss.sh measures the binary).
func TestHostileScanStreamsFindings(t *testing.T) {
	var b strings.Builder
	const n = 3000
	for i := range n {
		b.WriteString(rootRecord("s" + itoa(i)))
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "flood.jsonl")
	write(t, path, b.String())
	cfg := cisConfig(false)
	got := 0
	cfg.Sink = func(Finding) error { got++; return nil }
	res := scanPaths(t, context.Background(), cfg, path)
	if got != n || len(res.Findings) != 0 || res.Stats.Matches != n {
		t.Errorf("sink got %d, result holds %d, %d matches; want %d streamed, none held", got, len(res.Findings), res.Stats.Matches, n)
	}
}
