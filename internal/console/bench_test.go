package console

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// Benchmark sizes: an organization of 1,000 accounts audited in 17
// regions, 30 audit runs of history, and 100,000 alerts in the outbox.
const (
	benchAccounts = 1000
	benchRegions  = 17
	benchRuns     = 30
	benchAlerts   = 100_000
)

func fillBench(b *testing.B, st *store.Store) {
	b.Helper()
	ctx := context.Background()
	regions := make([]string, benchRegions)
	for i := range regions {
		regions[i] = fmt.Sprintf("region-%02d", i)
	}
	links := make([]audit.Link, len(audit.LinkNames))
	for i, n := range audit.LinkNames {
		links[i] = audit.Link{Name: n, Status: audit.Pass, Resource: "arn:aws:logs:eu-west-1:111111111111:log-group:aws-cloudtrail-logs:*",
			Detail: "trail management-events: multi-region, logging, delivers to the log group"}
	}
	for run := range benchRuns {
		at := t0.Add(time.Duration(run) * time.Hour)
		r := store.AuditRun{ID: fmt.Sprintf("run-%d", run), At: at}
		for i := range benchAccounts {
			acct := fmt.Sprintf("%012d", 100000000000+i)
			res := audit.AccountResult{Account: acct, Status: audit.Pass, Links: links}
			if (i+run)%7 == 0 {
				res.Status, res.BrokenLink = audit.Fail, audit.LinkMetricFilter
			}
			ev, _ := json.Marshal(res)
			r.Results = append(r.Results, store.AuditResult{Account: acct, Name: "account " + acct, Status: string(res.Status),
				Broken: res.BrokenLink, Regions: regions, Evidence: string(ev), Warnings: i % 3})
		}
		if err := st.RecordAuditRun(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 5000
	for start := 0; start < benchAlerts; start += batch {
		if err := st.Tx(ctx, func(tx *sql.Tx) error {
			for i := start; i < start+batch; i++ {
				a := alert.Alert{ID: fmt.Sprintf("rw-%08d", i), Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical,
					Title: "Root activity", Account: fmt.Sprintf("%012d", 100000000000+i%benchAccounts), Region: "eu-west-1",
					EventName: "ConsoleLogin", SourceIP: "203.0.113.7", EventIDs: []string{fmt.Sprintf("ev-%d", i)}}
				if i%5 == 0 {
					a.Rule, a.Kind = alert.RuleAudit, alert.KindAudit
				}
				// About 3,000 alerts a day over the last month.
				if _, err := st.Enqueue(ctx, tx, a, []string{"webhook"}, t0.Add(-time.Duration(benchAlerts-i)*26*time.Second)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE watch_outbox SET state = 'dead' WHERE alert_id LIKE 'rw-%00'`); err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		propose(b, st, fmt.Sprintf("c%03d", i), fmt.Sprintf("%012d", 100000000000+i), "console:alice")
	}
}

// BenchmarkPages serves every page and API call of the console at the
// size above, through the whole handler (authentication, store queries,
// rendering). The slowest is the figure docs/console.md reports.
func BenchmarkPages(b *testing.B) {
	st := storetest.SQLite(b)
	fillBench(b, st)
	c, err := New(Options{Store: st, Tokens: testTokens(b), Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{
		"/overview",
		"/overview?offset=950",
		"/overview?status=FAIL",
		"/overview?account=account+1000000005",
		"/accounts/100000000500",
		"/alerts",
		"/alerts?offset=99950",
		"/alerts?dead=true",
		"/alerts?rule=cis-4.3-audit",
		"/corrections",
		"/api/v1/overview?limit=200",
		"/api/v1/alerts?limit=200",
		"/api/v1/alerts/per-day?days=30",
		"/api/v1/accounts/100000000500",
	} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+viewerToken)
				w := httptest.NewRecorder()
				c.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, w.Code, w.Body.String()[:min(200, w.Body.Len())])
				}
			}
		})
	}
}
