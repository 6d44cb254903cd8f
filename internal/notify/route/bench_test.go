package route

import (
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
)

func BenchmarkRoute(b *testing.B) {
	levels := map[string]Level{"pager": LevelError, "slack": LevelInfo, "log": LevelVerbose}
	r, err := New(Config{Routes: []Route{
		{Accounts: []string{"prod-*"}, MinSeverity: "warning", Notifiers: []string{"pager"}, Continue: true},
		{Rules: []string{"cis-4.3-*"}, Notifiers: []string{"slack", "log"}},
	}}, levels, []string{"pager", "slack", "log"})
	if err != nil {
		b.Fatal(err)
	}
	a := alert.Alert{Rule: alert.RuleRootUsage, Severity: alert.SeverityCritical, AccountAlias: "prod-payments", Account: "111122223333"}
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Route(a)
	}
}
