package e2e

import (
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsfake"
)

// TestAuditErrors: what stops an audit altogether is exit 1 with one
// clear line, never an empty report or a PASS.
func TestAuditErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cloud func() *awsfake.Cloud
		key   string
		args  []string
		want  string
	}{
		{"--org outside an organization", compliant, "", []string{"--org"}, "not a member of an organization"},
		{"--org from a member account", organization, "AKIA" + member, []string{"--org"}, "organizations:ListAccounts"},
		{"unknown profile", compliant, "", []string{"--profile", "nope"}, "nope"},
		{"invalid credentials", compliant, "AKIDUNKNOWN0000", nil, "security token included in the request is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.cloud())
			if tt.key != "" {
				e.key = tt.key
			}
			r := e.run(append([]string{"audit", "--region", home, "--format", "json"}, tt.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) || strings.TrimSpace(r.stdout) != "" {
				t.Errorf("want exit 1, nothing on stdout, and stderr naming %q; got\n%s", tt.want, r)
			}
		})
	}
}
