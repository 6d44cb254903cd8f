package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

func TestUnknownSubcommandIsUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string // substring of stdout
	}{
		{[]string{"nosuch"}, exitcode.Usage, ""},
		{[]string{"pattern", "tset"}, exitcode.Usage, ""},
		{[]string{"notify", "tset"}, exitcode.Usage, ""},
		{[]string{"alerts", "nosuch"}, exitcode.Usage, ""},
		{[]string{"corrections", "nosuch"}, exitcode.Usage, ""},
		{[]string{"pattern"}, exitcode.OK, "Available Commands"},
		{[]string{"notify"}, exitcode.OK, "Available Commands"},
		{nil, exitcode.OK, "Available Commands"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, errOut := patternFactory("")
			root := NewRootCmd(f)
			root.SetArgs(tt.args)
			err := root.ExecuteContext(context.Background())
			if code := exitcode.From(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d\nstdout: %s\nstderr: %s", code, err, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out, tt.wantOut)
			}
		})
	}
}
