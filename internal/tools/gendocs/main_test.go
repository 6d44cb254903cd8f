package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun writes a man page per command, naming the version and the
// SOURCE_DATE_EPOCH date, and the three completion scripts.
func TestRun(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1764547200") // 2025-12-01
	dir := t.TempDir()
	if err := run(dir, "v9.9.9"); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "man", "rootwatch-watch.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rootwatch v9.9.9", "Dec 2025", "audit-every"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("rootwatch-watch.1 lacks %q", want)
		}
	}
	for _, f := range []string{"rootwatch.bash", "_rootwatch", "rootwatch.fish"} {
		if b, err := os.ReadFile(filepath.Join(dir, "completions", f)); err != nil || len(b) == 0 {
			t.Errorf("completion %s: %v (%d bytes)", f, err, len(b))
		}
	}
}
