package watch

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestAuditMetrics: a completed audit sets the per-status account counts
// and its time, the series deploy/prometheus/rootwatch-alerts.yaml alerts
// on (a test keeps the rule file and the metric names in step).
func TestAuditMetrics(t *testing.T) {
	m := newMetrics()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	m.auditDone([]ChainResult{{Account: "1", Status: ChainPass}, {Account: "2", Status: ChainFail}, {Account: "3", Status: ChainFail}}, at)
	if got := testutil.ToFloat64(m.auditAccounts.WithLabelValues(ChainFail)); got != 2 {
		t.Errorf("FAIL accounts = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.auditAccounts.WithLabelValues(ChainUnknown)); got != 0 {
		t.Errorf("UNKNOWN accounts = %v, want 0", got)
	}
	if got := testutil.ToFloat64(m.auditLastRun); got != float64(at.Unix()) {
		t.Errorf("last run = %v", got)
	}
	rules, err := os.ReadFile("../../deploy/prometheus/rootwatch-alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A vector shows in the exposition once it has a series.
	m.eventsRead.WithLabelValues("dir:x")
	m.alertsSent.WithLabelValues("n")
	m.alertsFailed.WithLabelValues("n")
	m.alertsDead.WithLabelValues("n")
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
	}
	for _, tok := range strings.FieldsFunc(string(rules), func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z')
	}) {
		if strings.HasPrefix(tok, "rootwatch_") && !names[tok] {
			t.Errorf("the alert rules use %s, which watch does not export", tok)
		}
	}
}
