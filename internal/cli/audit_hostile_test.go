package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// TestHostileAuditUnknownRegion: a region name is checked before use (an
// unknown one once reached the SDK and failed late), the usage error lists
// the valid names, and a name carrying terminal escapes is shown as text.
func TestHostileAuditUnknownRegion(t *testing.T) {
	for _, region := range []string{"eu-west-9", "us-east", "eu-west-1\x1b]8;;http://evil.example/\x1b\\x\x1b[2J"} {
		f := &Factory{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, IsTerminal: func(io.Writer) bool { return false }}
		ran := false
		cmd := newCmdAudit(f, func(context.Context, *AuditOptions) error { ran = true; return nil })
		cmd.SetArgs([]string{"--regions", "us-east-1," + region})
		cmd.SetOut(f.Out)
		cmd.SetErr(f.ErrOut)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		err := cmd.Execute()
		if ran || exitcode.From(err) != exitcode.Usage {
			t.Fatalf("%q: ran %v, err %v; want a usage error", region, ran, err)
		}
		if msg := err.Error(); strings.ContainsRune(msg, '\x1b') || !strings.Contains(msg, "eu-central-1") {
			t.Errorf("%q: message %q carries an escape or does not list the valid regions", region, msg)
		}
	}
}
