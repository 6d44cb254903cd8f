package audit

import (
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// A member covered by the management account's organization trail (the
// Control Tower shape) whose chain lacks the metric filter: the member
// row's fix must say where the filter belongs, not read as a command for
// the member account.
func TestOrganizationTrailFixNamesOwnerAccountAndRegion(t *testing.T) {
	mgmt := goodAccount()
	mgmt.Trails[0].IsOrganizationTrail = true
	mgmt.LogGroups[0].MetricFilters = nil
	m := inventory.Account{ID: member, Status: inventory.StatusActive, Regions: []string{region}, Trails: []inventory.Trail{mgmt.Trails[0]}}
	r := Evaluate(&inventory.Snapshot{Caller: acct, Organization: true, ManagementAccount: acct, Accounts: []inventory.Account{mgmt, m}})

	want := "in account " + acct + ", region " + region
	got := r.Accounts[1]
	if got.Status != Fail || got.BrokenLink != LinkMetricFilter {
		t.Fatalf("member = %s broken at %s, want FAIL at %s", got.Status, got.BrokenLink, LinkMetricFilter)
	}
	if fix := linkOf(t, got, LinkMetricFilter).Fix; !strings.HasPrefix(fix, want) || !strings.Contains(fix, "--region "+region) {
		t.Errorf("member's filter fix = %q, want it to start with %q", fix, want)
	}
	// The owner's own row is about its own account: no prefix.
	if fix := linkOf(t, r.Accounts[0], LinkMetricFilter).Fix; strings.HasPrefix(fix, "in account") {
		t.Errorf("owner's fix = %q, want the plain command", fix)
	}
}
