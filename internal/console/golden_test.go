package console

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/store"
)

// The API's JSON, as scripts read it, held in testdata/api/*.json: the
// stability promise of docs/console.md (fields are added, never renamed or
// removed) is a diff of these files. go test -update rewrites them.
func TestAPIGolden(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ev, _ := json.Marshal(audit.AccountResult{Account: "100000000000", Status: audit.Fail, BrokenLink: audit.LinkMetricFilter,
		Links: []audit.Link{{Name: audit.LinkTrail, Status: audit.Pass, Detail: "trail t: multi-region"},
			{Name: audit.LinkMetricFilter, Status: audit.Fail, Detail: "no metric filter", Fix: "rootwatch fix"}}})
	for i, status := range []string{"PASS", "FAIL"} {
		if err := e.st.RecordAuditRun(ctx, store.AuditRun{ID: "run-" + status, At: t0.Add(time.Duration(i) * time.Hour),
			Results: []store.AuditResult{{Account: "100000000000", Name: "prod", Status: status, Broken: map[string]string{"FAIL": "metric-filter"}[status],
				Detail: "no metric filter", CoveredBy: "trail org in account 999999999999", Warnings: 1,
				Regions: []string{"eu-west-1", "us-east-1"}, OUs: []string{"r-ab12", "ou-ab12-prod1234"}, Evidence: string(ev)}}}); err != nil {
			t.Fatal(err)
		}
	}
	seedAlert(t, e.st, alert.Alert{ID: "rw-root", Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical,
		Title: "Root activity in 100000000000", Account: "100000000000", Region: "eu-west-1", EventName: "ConsoleLogin",
		EventSource: "signin.amazonaws.com", SourceIP: "203.0.113.7", UserAgent: "Mozilla/5.0", Identity: "Root", MFAUsed: "No",
		EventIDs: []string{"ev-1"}, EventCount: 1, Created: t0, Events: []json.RawMessage{json.RawMessage(`{"eventName":"ConsoleLogin"}`)}},
		true, "webhook", "slack")
	propose(t, e.st, "c1", "100000000000", "sec@example.com=console:alice")
	for name, path := range map[string]string{
		"whoami":      "/api/v1/whoami",
		"overview":    "/api/v1/overview?ou=ou-ab12-prod1234",
		"account":     "/api/v1/accounts/100000000000",
		"alerts":      "/api/v1/alerts",
		"per-day":     "/api/v1/alerts/per-day?days=2",
		"corrections": "/api/v1/corrections",
		"correction":  "/api/v1/corrections/c1",
	} {
		resp := e.do(t, http.MethodGet, path, approverToken, "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		notifytest.Golden(t, "api/"+name+".json", b)
	}
	resp := e.do(t, http.MethodPost, "/api/v1/corrections/c1/decision", approverToken, `{"decision":"reject","reason":"not now"}`)
	b, _ := io.ReadAll(resp.Body)
	notifytest.Golden(t, "api/decision.json", b)
}
