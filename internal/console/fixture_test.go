package console

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

const (
	viewerToken   = "viewer-token-0123456789abcdef0123456789"
	approverToken = "approver-token-0123456789abcdef012345678"
	outsiderToken = "outsider-token-0123456789abcdef012345678"
)

func testTokens(t testing.TB) []Token {
	t.Helper()
	ts, err := ParseTokens(strings.NewReader("# role subject token\nviewer vera " + viewerToken +
		"\napprover alice " + approverToken + "\napprover mallory " + outsiderToken + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// env is a console over a seeded store.
type env struct {
	st  *store.Store
	c   *Console
	srv *httptest.Server
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st := storetest.SQLite(t)
	c, err := New(Options{Store: st, Tokens: testTokens(t), Now: func() time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return &env{st: st, c: c, srv: srv}
}

// seedAccounts records one audit run over n accounts: every tenth FAILs
// at the metric filter.
func seedAccounts(t testing.TB, st *store.Store, n int, at time.Time) {
	t.Helper()
	run := store.AuditRun{ID: fmt.Sprintf("run-%d", at.Unix()), At: at}
	for i := range n {
		r := store.AuditResult{Account: fmt.Sprintf("%012d", 100000000000+i), Name: fmt.Sprintf("acct-%d", i), Status: "PASS",
			Regions: []string{"eu-west-1", "us-east-1"}}
		if i%10 == 0 {
			r.Status, r.Broken, r.Detail = "FAIL", "metric-filter", "no metric filter"
		}
		run.Results = append(run.Results, r)
	}
	if err := st.RecordAuditRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
}

// seedAlert records a alert for notifiers; dead makes the first delivery dead.
func seedAlert(t testing.TB, st *store.Store, a alert.Alert, dead bool, notifiers ...string) {
	t.Helper()
	ctx := context.Background()
	if err := st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := st.Enqueue(ctx, tx, a, notifiers, a.Created)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !dead {
		return
	}
	items, err := st.Claim(ctx, "test", a.Created, time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.AlertID == a.ID && it.Notifier == notifiers[0] {
			if _, err := st.MarkFailed(ctx, it, a.Created, errors.New("410 gone"), false, store.DefaultBackoff()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func propose(t testing.TB, st *store.Store, id, account string, approvers ...string) {
	t.Helper()
	if _, err := st.ProposeCorrection(context.Background(), store.Correction{ID: id, Account: account, Summary: "create the metric filter",
		Plan: "1. put metric filter <b>CIS</b>", Created: t0, Approvers: approvers, Actions: []string{"notify", "ask", "correct", "skip"},
		Expires: t0.Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// do sends a request with a bearer token (none when token is "").
func (e *env) do(t testing.TB, method, path, token, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
