package filterpattern

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// readPatterns reads one pattern a line, skipping blank lines and "# "
// comments.
func readPatterns(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "parse", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkGolden compares got with testdata/parse/name, or rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "parse", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output; run go test -run %s -update and review the diff\n--- got\n%s", path, t.Name(), got)
	}
}

func TestGoldenValid(t *testing.T) {
	var b strings.Builder
	for _, src := range readPatterns(t, "valid.txt") {
		p, err := Parse(src)
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		checkRoundTrip(t, src, p)
		fmt.Fprintf(&b, "pattern:   %s\nkind:      %s\ncanonical: %s\nexplain:   %s\n\n", src, p.Kind, p.String(), Explain(p))
	}
	checkGolden(t, "valid.golden", b.String())
}

func TestGoldenInvalid(t *testing.T) {
	var b strings.Builder
	for _, src := range readPatterns(t, "invalid.txt") {
		_, err := Parse(src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", src, err)
			continue
		}
		fmt.Fprintf(&b, "pattern: %s\nerror:   %v\nexpected: %s\n%s\n\n", src, err, se.Expected, se.Caret())
	}
	checkGolden(t, "invalid.golden", b.String())
}
