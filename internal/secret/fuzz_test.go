package secret

import (
	"strings"
	"testing"
)

func FuzzExpandEnv(f *testing.F) {
	for _, s := range []string{"${A}", "x$${A}y", "${", "$", "${A}${B}", "${1}", "a${A"} {
		f.Add(s)
	}
	getenv := func(k string) string {
		if k == "A" {
			return "value"
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ExpandEnv(s, getenv)
		if err != nil {
			return
		}
		// Every ${...} must have been replaced or rejected.
		if strings.Contains(s, "${") && !strings.Contains(s, "$${") && strings.Contains(got, "${") {
			t.Fatalf("ExpandEnv(%q) = %q left a reference", s, got)
		}
	})
}
