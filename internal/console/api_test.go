package console

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/store"
)

func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLoginRequired(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		path   string
		token  string
		status int
	}{
		{"/api/v1/overview", "", http.StatusUnauthorized},
		{"/api/v1/overview", "not-a-token-0123456789abcdef0123456789", http.StatusUnauthorized},
		{"/api/v1/alerts", viewerToken[:len(viewerToken)-1], http.StatusUnauthorized},
		{"/overview", "", http.StatusSeeOther},
		{"/api/v1/overview", viewerToken, http.StatusOK},
		{"/api/v1/nothing", viewerToken, http.StatusNotFound},
	} {
		resp := e.do(t, http.MethodGet, tc.path, tc.token, "")
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s with %q: %d, want %d", tc.path, tc.token, resp.StatusCode, tc.status)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	resp := e.do(t, http.MethodGet, "/login", "", "")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP allows script: %q", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: %v", resp.Header)
	}
}

func TestOverviewPaging(t *testing.T) {
	e := newEnv(t)
	seedAccounts(t, e.st, 120, t0)
	for _, tc := range []struct {
		query       string
		total, n    int
		first       string
		wantFailure bool
	}{
		{"", 120, DefaultLimit, "100000000000", false},
		{"?offset=100&limit=50", 120, 20, "100000000100", false},
		{"?status=FAIL", 12, 12, "100000000000", false},
		{"?status=FAIL&account=acct-11", 1, 1, "100000000110", false},
		{"?account=%25", 0, 0, "", false}, // % is literal, not a wildcard
		{"?limit=100000", 120, MaxLimit, "100000000000", false},
		{"?status=<script>", 0, 0, "", true},
		{"?offset=-1", 0, 0, "", true},
	} {
		resp := e.do(t, http.MethodGet, "/api/v1/overview"+tc.query, viewerToken, "")
		if tc.wantFailure {
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", tc.query, resp.StatusCode)
			}
			continue
		}
		ov := decode[Overview](t, resp)
		if ov.Page.Total != tc.total || len(ov.Page.Items) != min(tc.n, tc.total) {
			t.Errorf("%s: total %d, %d items; want %d, %d", tc.query, ov.Page.Total, len(ov.Page.Items), tc.total, tc.n)
			continue
		}
		if tc.n > 0 && ov.Page.Items[0].Account != tc.first {
			t.Errorf("%s: first %s, want %s", tc.query, ov.Page.Items[0].Account, tc.first)
		}
		if ov.Counts["FAIL"] != 12 || ov.Counts["PASS"] != 108 || ov.LastRun == nil || !ov.LastRun.At.Equal(t0) {
			t.Errorf("%s: counts %v, last run %+v", tc.query, ov.Counts, ov.LastRun)
		}
	}
}

func TestAccountHistory(t *testing.T) {
	e := newEnv(t)
	seedAccounts(t, e.st, 3, t0)
	seedAccounts(t, e.st, 2, t0.Add(time.Hour)) // the third account left the organization
	acc := decode[Account](t, e.do(t, http.MethodGet, "/api/v1/accounts/100000000000", viewerToken, ""))
	if len(acc.History) != 2 || !acc.History[0].At.After(acc.History[1].At) || acc.Status != "FAIL" {
		t.Errorf("account = %+v", acc)
	}
	if resp := e.do(t, http.MethodGet, "/api/v1/accounts/100000000002", viewerToken, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an account no longer audited: %d", resp.StatusCode)
	}
}

func TestDecideRoles(t *testing.T) {
	e := newEnv(t)
	propose(t, e.st, "c1", "100000000000", "sec@example.com=console:alice")
	body := `{"decision": "approve", "reason": "CHG-1"}`
	for _, tc := range []struct {
		token  string
		status int
	}{
		{viewerToken, http.StatusForbidden},   // the viewer role never decides
		{outsiderToken, http.StatusForbidden}, // approver role, not an approver of this correction
		{approverToken, http.StatusOK},
		{approverToken, http.StatusConflict}, // decided already
	} {
		resp := e.do(t, http.MethodPost, "/api/v1/corrections/c1/decision", tc.token, body)
		if resp.StatusCode != tc.status {
			b, _ := io.ReadAll(resp.Body)
			t.Errorf("decide with %s: %d, want %d: %s", tc.token[:8], resp.StatusCode, tc.status, b)
		}
	}
	c, err := e.st.GetCorrection(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != store.CorrectionApproved || c.DecidedBy != "sec@example.com (console:alice)" || c.Reason != "CHG-1" {
		t.Errorf("correction = %+v", c)
	}
	if resp := e.do(t, http.MethodPost, "/api/v1/corrections/c1/decision", approverToken, `{"decision": "maybe"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a decision that is not one: %d", resp.StatusCode)
	}
}

// loginSession logs in with a token through the form and returns the
// session cookie and the CSRF token the pages carry.
func (e *env) loginSession(t *testing.T, token string) (*http.Cookie, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(e.srv.URL+"/login/token", url.Values{"token": {token}, "next": {"/corrections"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || resp.Header.Get("Location") != "/corrections" {
		t.Fatalf("login: cookie %+v, location %q", ck, resp.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/corrections", nil)
	req.AddCookie(ck)
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return ck, string(m[1])
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	propose(t, e.st, "c1", "100000000000", "console:alice")
	ck, csrf := e.loginSession(t, approverToken)
	post := func(form url.Values, origin string) int {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/corrections/c1/decision", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(ck)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(url.Values{"decision": {"approve"}}, ""); got != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", got)
	}
	if got := post(url.Values{"decision": {"approve"}, "csrf": {csrf + "x"}}, ""); got != http.StatusForbidden {
		t.Errorf("wrong CSRF token: %d", got)
	}
	if got := post(url.Values{"decision": {"approve"}, "csrf": {csrf}}, "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("another origin: %d", got)
	}
	if c, _ := e.st.GetCorrection(context.Background(), "c1"); c.State != store.CorrectionProposed {
		t.Fatalf("a refused request decided: %s", c.State)
	}
	if got := post(url.Values{"decision": {"approve"}, "csrf": {csrf}}, e.srv.URL); got != http.StatusSeeOther {
		t.Errorf("with the token: %d", got)
	}
	if c, _ := e.st.GetCorrection(context.Background(), "c1"); c.State != store.CorrectionApproved || c.DecidedBy != "console:alice" {
		t.Errorf("after the decision: %+v", c)
	}
}

func TestAlertsEscapedAndRetry(t *testing.T) {
	e := newEnv(t)
	const hostile = `<script>alert(1)</script>`
	seedAlert(t, e.st, alert.Alert{ID: "a1", Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical,
		Title: "Root " + hostile, Account: "100000000000", Region: `evil.example/#`, SourceIP: hostile, UserAgent: hostile,
		EventIDs: []string{"e1"}, Created: t0}, true, "webhook", "slack")
	seedAlert(t, e.st, alert.Alert{ID: "a2", Rule: alert.RuleAudit, Kind: alert.KindAudit, Title: "chain", Account: "1", Created: t0.Add(time.Minute)}, false, "webhook")

	page := e.do(t, http.MethodGet, "/alerts", approverToken, "")
	b, _ := io.ReadAll(page.Body)
	if strings.Contains(string(b), "<script") || !strings.Contains(string(b), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the alerts page does not escape CloudTrail text:\n%s", b)
	}
	if strings.Contains(string(b), "evil.example") && strings.Contains(string(b), `href="https://evil`) {
		t.Errorf("a console link built from a hostile region is shown")
	}
	// Decoded as a script would: the alert's fields and the console's.
	type apiAlert struct {
		ID         string     `json:"id"`
		Link       string     `json:"link"`
		SourceIP   string     `json:"source_ip"`
		Deliveries []Delivery `json:"deliveries"`
	}
	p := decode[Page[apiAlert]](t, e.do(t, http.MethodGet, "/api/v1/alerts", viewerToken, ""))
	if p.Total != 2 || p.Items[0].ID != "a2" || len(p.Items[1].Deliveries) != 2 || p.Items[1].Link != "" || p.Items[1].SourceIP != hostile {
		t.Fatalf("alerts = %+v", p)
	}
	if p := decode[Page[apiAlert]](t, e.do(t, http.MethodGet, "/api/v1/alerts?dead=true", viewerToken, "")); p.Total != 1 || p.Items[0].ID != "a1" {
		t.Errorf("dead alerts = %+v", p)
	}
	if resp := e.do(t, http.MethodPost, "/api/v1/alerts/a1/retry", viewerToken, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer retried: %d", resp.StatusCode)
	}
	r := decode[map[string]int](t, e.do(t, http.MethodPost, "/api/v1/alerts/a1/retry", approverToken, ""))
	if r["retried"] != 1 {
		t.Errorf("retry = %v", r)
	}
	days := decode[struct{ Days []Day }](t, e.do(t, http.MethodGet, "/api/v1/alerts/per-day?days=3", viewerToken, ""))
	if len(days.Days) != 3 || days.Days[2].Alerts != 1 || days.Days[2].Day != "2026-12-01" {
		t.Errorf("per day = %+v", days)
	}
}

func TestAWSConsoleLink(t *testing.T) {
	for link, ok := range map[string]bool{
		"https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/x": true,
		"https://cn-north-1.console.amazonaws.cn/cloudtrail/home":                             true,
		"https://evil.example/#.console.aws.amazon.com/cloudtrail":                            false,
		"https://a.b.console.aws.amazon.com/":                                                 false,
		"http://eu-west-1.console.aws.amazon.com/":                                            false,
		"javascript:alert(1)//.console.aws.amazon.com":                                        false,
		"https://user@eu-west-1.console.aws.amazon.com/":                                      false,
	} {
		if got := awsConsoleLink(link) != ""; got != ok {
			t.Errorf("%s: kept %v, want %v", link, got, ok)
		}
	}
}

func TestTokenFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tokens")
	if err := os.WriteFile(p, []byte("approver alice "+approverToken+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTokenFile(p); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable token file: %v", err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	ts, err := ReadTokenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := matchToken(ts, approverToken); !ok || id.ID() != "console:alice" || id.Role != RoleApprover {
		t.Errorf("match = %+v %v", id, ok)
	}
	for _, bad := range []string{
		"admin alice " + approverToken,   // no such role
		"viewer al=ice " + approverToken, // not an identity
		"viewer alice short",             // guessable
		"viewer alice",                   // no token
		"viewer a " + approverToken + "\nviewer b " + approverToken, // shared
	} {
		if _, err := ParseTokens(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/alerts?x=1": "/alerts?x=1", "//evil.example": "/overview",
		"https://evil.example": "/overview", "/\\evil.example": "/overview", "": "/overview",
		"/\t/evil.example": "/overview", "/\n/evil.example": "/overview", "/%2F/evil.example": "/overview",
		"/a/../alerts": "/a/../alerts"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
