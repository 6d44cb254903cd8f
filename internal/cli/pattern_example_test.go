package cli

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// TestPatternHelpExamplesRun runs every example of the pattern commands'
// --help (input files read as empty) so a documented command line that
// rootwatch itself rejects as a usage error cannot ship.
func TestPatternHelpExamplesRun(t *testing.T) {
	f, _, _ := patternFactory("")
	cmds := []struct {
		name    string
		example string
	}{
		{"test", NewCmdPatternTest(f, nil).Example},
		{"explain", NewCmdPatternExplain(f, nil).Example},
		{"compare", NewCmdPatternCompare(f, nil).Example},
	}
	for _, c := range cmds {
		for line := range strings.SplitSeq(c.example, "\n") {
			if _, after, ok := strings.Cut(line, "| "); ok {
				line = after // the producer of a pipeline is not ours
			}
			words := shellWords(t, line)
			if len(words) < 3 || words[0] != "rootwatch" || words[1] != "pattern" || words[2] != c.name {
				t.Fatalf("example %q does not start with rootwatch pattern %s", line, c.name)
			}
			t.Run(c.name+"/"+line, func(t *testing.T) {
				f, _, errOut := patternFactory("")
				var cmd = NewCmdPatternTest(f, func(ctx context.Context, o *patternTestOptions) error {
					o.Open = func(string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("")), nil }
					return patternTestRun(ctx, o)
				})
				switch c.name {
				case "explain":
					cmd = NewCmdPatternExplain(f, nil)
				case "compare":
					cmd = NewCmdPatternCompare(f, nil)
				}
				cmd.SetFlagErrorFunc(flagError)
				cmd.SilenceUsage, cmd.SilenceErrors = true, true
				cmd.SetArgs(words[3:])
				err := cmd.ExecuteContext(context.Background())
				if code := exitcode.From(err); code == exitcode.Usage || (code != exitcode.OK && code != exitcode.NoMatch) {
					t.Fatalf("exit %d (%v)\nstderr: %s", code, err, errOut)
				}
			})
		}
	}
}

// shellWords splits a command line the way sh does for the quoting the
// examples use: single quotes, no escapes.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range strings.TrimSpace(line) {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
