package e2e

import (
	"strings"
	"testing"
)

// TestAuditImportSecurityHub: the binary imports every finding of an
// organization audit, one per account and region, each into its own
// account's Security Hub (the member's through the assumed role), and a
// re-run updates them rather than creating new ones.
func TestAuditImportSecurityHub(t *testing.T) {
	t.Parallel()
	e := newEnv(t, organization())
	for run := range 2 {
		r := e.run("audit", "--org", "--format", "asff", "--import-securityhub")
		if r.code != 0 || !strings.Contains(r.stderr, "finding(s) into Security Hub") {
			t.Fatalf("run %d: exit %d\n%s", run, r.code, r)
		}
		for _, a := range []string{mgmt, member} {
			for _, rg := range regions {
				if n := len(e.cloud.Findings(a, rg)); n != 1 {
					t.Errorf("run %d: account %s region %s holds %d findings, want 1", run, a, rg, n)
				}
			}
		}
	}
}
