package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/audit/report"
)

// TestFlagCompletion checks that shells complete the flags whose values
// are a fixed list.
func TestFlagCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"audit", "--format", ""}, report.Names},
		{[]string{"template", "--design", ""}, []string{"cis-alarm", "eventbridge"}},
		{[]string{"template", "--format", ""}, []string{"cloudformation", "terraform"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, _ := patternFactory("")
			root := NewRootCmd(f)
			root.SetOut(out)
			root.SetArgs(append([]string{"__complete"}, tt.args...))
			if err := root.ExecuteContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := strings.Fields(out.String())
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("completions %q lack %q", got, w)
				}
			}
		})
	}
}
