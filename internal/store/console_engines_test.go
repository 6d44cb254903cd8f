package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// The console's queries (audit runs, the alert page, alerts per day,
// correction pages) on SQLite and on a test-started PostgreSQL.
func TestConsoleQueriesOnBothEngines(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			for run, statuses := range [][]string{{"FAIL", "PASS", "UNKNOWN"}, {"PASS", "PASS"}} {
				r := store.AuditRun{ID: fmt.Sprintf("r%d", run), At: t0.Add(time.Duration(run) * time.Hour)}
				for i, s := range statuses {
					r.Results = append(r.Results, store.AuditResult{Account: fmt.Sprintf("acct_%d", i), Name: fmt.Sprintf("team 50%% %d", i),
						Status: s, Regions: []string{"eu-west-1", "us-east-1"}, Evidence: `{"account":"x"}`,
						OUs: []string{"r-ab12", fmt.Sprintf("ou-ab12-%d", i)}})
				}
				if err := st.RecordAuditRun(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.RecordAuditRun(ctx, store.AuditRun{ID: "r-failed", At: t0.Add(2 * time.Hour), Error: "AccessDenied"}); err != nil {
				t.Fatal(err)
			}
			rs, total, err := st.LatestResults(ctx, store.LatestFilter{})
			if err != nil || total != 2 || len(rs) != 2 || rs[0].Status != "PASS" || len(rs[0].Regions) != 2 || rs[0].RunID != "r1" || len(rs[0].OUs) != 2 {
				t.Fatalf("latest = %+v, %d, %v (a failed run keeps the last results; a departed account leaves)", rs, total, err)
			}
			for filter, want := range map[store.LatestFilter]int{
				{Account: "_"}: 2, {Account: "acct_1"}: 1, {Account: "50%"}: 2, {Account: "%%"}: 0, {Status: "FAIL"}: 0,
				{Limit: 1, Offset: 1}: 2, {OU: "r-ab12"}: 2, {OU: "ou-ab12-1"}: 1, {OU: "ou-ab12"}: 0,
			} {
				rs, total, err := st.LatestResults(ctx, filter)
				if err != nil || total != want || (filter.Limit == 1 && len(rs) != 1) {
					t.Errorf("filter %+v: total %d, %d rows, %v; want %d", filter, total, len(rs), err, want)
				}
			}
			h, err := st.AuditHistory(ctx, "acct_0", 10)
			if err != nil || len(h) != 2 || h[0].Status != "PASS" || h[1].Status != "FAIL" {
				t.Errorf("history = %+v, %v", h, err)
			}
			runs, err := st.LastAuditRuns(ctx, 5)
			if err != nil || len(runs) != 3 || runs[0].Error != "AccessDenied" || runs[1].Pass != 2 {
				t.Errorf("runs = %+v, %v", runs, err)
			}
			if _, err := st.LatestResult(ctx, "acct_2"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a departed account: %v", err)
			}

			for i := range 5 {
				a := alert.Alert{ID: fmt.Sprintf("a%d", i), Rule: alert.RuleRootUsage, Account: "1", Title: "root"}
				if i == 4 {
					a.Rule = alert.RuleAudit
				}
				created := t0.Add(time.Duration(i) * 12 * time.Hour)
				if err := st.Tx(ctx, func(tx *sql.Tx) error {
					_, err := st.Enqueue(ctx, tx, a, []string{"slack", "webhook"}, created)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			page, total, capped, err := st.AlertPage(ctx, store.AlertFilter{Limit: 2, Offset: 1})
			if err != nil || total != 5 || capped || len(page) != 2 || page[0][0].AlertID != "a3" || len(page[0]) != 2 {
				t.Fatalf("alert page = %+v, %d, %v", page, total, err)
			}
			if _, total, _, _ := st.AlertPage(ctx, store.AlertFilter{Rule: alert.RuleAudit}); total != 1 {
				t.Errorf("rule filter: %d", total)
			}
			days, err := st.AlertsPerDay(ctx, alert.RuleRootUsage, t0.Add(-24*time.Hour))
			if err != nil || len(days) != 2 || days[time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)] != 2 {
				t.Errorf("per day = %v, %v", days, err)
			}

			for i := range 3 {
				if _, err := st.ProposeCorrection(ctx, store.Correction{ID: fmt.Sprintf("c%d", i), Account: "1", Summary: "s", Plan: "p",
					Created: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.DecideCorrection(ctx, "c0", store.Decision{State: store.CorrectionRejected, By: "console:alice"}, t0); err != nil {
				t.Fatal(err)
			}
			waiting, n, err := st.CorrectionPage(ctx, store.CorrectionProposed, false, 0, 10)
			if err != nil || n != 2 || waiting[0].ID != "c2" {
				t.Errorf("waiting = %+v, %d, %v", waiting, n, err)
			}
			hist, n, err := st.CorrectionPage(ctx, "", true, 0, 10)
			if err != nil || n != 1 || hist[0].ID != "c0" {
				t.Errorf("history = %+v, %d, %v", hist, n, err)
			}
		})
	}
}
