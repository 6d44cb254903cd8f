//go:build duckdb

package sqlduck

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpus is what the differential tests run on: ctgen's committed sample,
// the real CloudTrail data of ../shared (when present), and every JSON
// event of the engine's conformance suites (CIS cases, AWS documentation
// examples), which include records that break the table contract.
func corpus(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	add := func(b []byte) {
		b = bytes.TrimSpace(b)
		if len(b) > 0 && b[0] == '{' && json.Valid(b) {
			out = append(out, append([]byte(nil), b...))
		}
	}
	root := filepath.Join("..", "..")
	f, err := os.Open(filepath.Join(root, "filterpattern", "testdata", "ctgen", "events.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		add(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cis.json", "aws-docs.json"} {
		data, err := os.ReadFile(filepath.Join(root, "filterpattern", "testdata", "conformance", name))
		if err != nil {
			t.Fatal(err)
		}
		var suites []struct {
			Cases []struct{ Event string } `json:"cases"`
		}
		if err := json.Unmarshal(data, &suites); err != nil {
			t.Fatal(err)
		}
		for _, s := range suites {
			for _, c := range s.Cases {
				add([]byte(c.Event))
			}
		}
	}
	shared := filepath.Join(root, "..", "shared", "data", "cloudtrail")
	for _, dir := range []string{"invictus-aws-dataset", "stratus-red-team-detonation-logs", "aws-cloudtrail-processing-library"} {
		// The shared data is optional (absent outside the workspace);
		// present but unreadable fails the test.
		err := filepath.WalkDir(filepath.Join(shared, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var file struct{ Records []json.RawMessage }
			if json.Unmarshal(data, &file) == nil && file.Records != nil {
				for _, r := range file.Records {
					add(r)
				}
				return nil
			}
			var arr []json.RawMessage
			if json.Unmarshal(data, &arr) == nil {
				for _, r := range arr {
					add(r)
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	return out
}

// patterns are every JSON pattern of the conformance suites.
func conformancePatterns(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, name := range []string{"cis.json", "aws-docs.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "filterpattern", "testdata", "conformance", name))
		if err != nil {
			t.Fatal(err)
		}
		var suites []struct{ Pattern string }
		if err := json.Unmarshal(data, &suites); err != nil {
			t.Fatal(err)
		}
		for _, s := range suites {
			if strings.HasPrefix(strings.TrimSpace(s.Pattern), "{") {
				out = append(out, s.Pattern)
			}
		}
	}
	return out
}
