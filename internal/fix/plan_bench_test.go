package fix

import (
	"fmt"
	"testing"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// orgSnapshot is an organization of n accounts, each with its own broken
// chain (no metric filter), the worst case for planning.
func orgSnapshot(n int) (*inventory.Snapshot, []Verdict, *Facts) {
	s := &inventory.Snapshot{Organization: true}
	facts := &Facts{Alarms: map[Home][]inventory.Alarm{}}
	for i := range n {
		id := fmt.Sprintf("%012d", 100000000000+i)
		a := fullChain(id)
		a.LogGroups[0].MetricFilters = nil
		a.Alarms, a.Topics = nil, nil
		s.Accounts = append(s.Accounts, a)
		facts.Alarms[Home{id, region}] = nil
	}
	s.Caller, s.ManagementAccount = s.Accounts[0].ID, s.Accounts[0].ID
	return s, Verdicts(audit.Evaluate(s)), facts
}

// BenchmarkNewPlan1000Accounts measures planning alone (the audit is
// done once, outside the loop).
func BenchmarkNewPlan1000Accounts(b *testing.B) {
	s, v, facts := orgSnapshot(1000)
	o := Options{Endpoints: []Endpoint{{"email", "security@example.com"}}}
	b.ReportAllocs()
	for b.Loop() {
		p := NewPlan(s, v, facts, o)
		if len(p.Accounts) != 1000 {
			b.Fatalf("%d plans", len(p.Accounts))
		}
	}
}

// BenchmarkAudit1000Accounts is the audit of the same snapshot, so the
// planning cost can be read as a ratio of it.
func BenchmarkAudit1000Accounts(b *testing.B) {
	s, _, _ := orgSnapshot(1000)
	b.ReportAllocs()
	for b.Loop() {
		audit.Evaluate(s)
	}
}
