package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLambdaInvokeExampleFilesExist keeps the --help example pointing at
// recorded events that ship with the repository (paths from its root).
func TestLambdaInvokeExampleFilesExist(t *testing.T) {
	f, _, _ := patternFactory("")
	example := newCmdLambdaInvoke(f).Example
	found := 0
	for _, word := range strings.Fields(example) {
		if !strings.HasSuffix(word, ".json") {
			continue
		}
		found++
		if _, err := os.Stat(filepath.Join("..", "..", word)); err != nil {
			t.Errorf("example event %s: %v", word, err)
		}
	}
	if found == 0 {
		t.Fatalf("example %q names no event file", example)
	}
}
