package console

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/console/oidctest"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// oidcEnv is a console logging in through a loopback provider.
type oidcEnv struct {
	is  *oidctest.Issuer
	srv *httptest.Server
}

func newOIDCEnv(t *testing.T) *oidcEnv {
	t.Helper()
	is := oidctest.New(t, "console-client")
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	c, err := New(Options{Store: storetest.SQLite(t), URL: srv.URL, OIDC: &OIDC{Issuer: is.URL, ClientID: "console-client",
		ClientSecret: "secret", ViewerGroup: "viewers", ApproverGroup: "approvers"}})
	if err != nil {
		t.Fatal(err)
	}
	h = c
	return &oidcEnv{is: is, srv: srv}
}

// login runs the whole flow in a client with a cookie jar and returns the
// last response's status and body.
func (e *oidcEnv) login(t *testing.T) (*http.Client, int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	resp, err := cl.Get(e.srv.URL + "/login/oidc?next=/alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return cl, resp.StatusCode, string(b)
}

func TestOIDCLogin(t *testing.T) {
	e := newOIDCEnv(t)
	for _, tc := range []struct {
		name   string
		user   oidctest.User
		tamper func(map[string]any)
		status int
		want   string
	}{
		{"approver", oidctest.User{Subject: "alice", Email: "alice@example.com", Groups: []string{"viewers", "approvers"}}, nil,
			http.StatusOK, "console:alice (alice@example.com) · approver"},
		{"viewer", oidctest.User{Subject: "vera", Groups: []string{"viewers"}}, nil, http.StatusOK, "console:vera · viewer"},
		{"no group", oidctest.User{Subject: "eve", Groups: []string{"staff"}}, nil, http.StatusForbidden, "neither"},
		{"group as a string", oidctest.User{Subject: "sam"}, func(c map[string]any) { c["groups"] = "approvers" }, http.StatusOK, "· approver"},
		{"subject that could forge a decision", oidctest.User{Subject: "x (console:alice)", Groups: []string{"approvers"}}, nil,
			http.StatusUnauthorized, "could not be verified"},
		{"nonce replayed", oidctest.User{Subject: "alice", Groups: []string{"approvers"}}, func(c map[string]any) { c["nonce"] = "old" },
			http.StatusUnauthorized, "could not be verified"},
		{"token for another client", oidctest.User{Subject: "alice", Groups: []string{"approvers"}}, func(c map[string]any) { c["aud"] = "other" },
			http.StatusUnauthorized, "could not be verified"},
		{"expired token", oidctest.User{Subject: "alice", Groups: []string{"approvers"}},
			func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, http.StatusUnauthorized, "could not be verified"},
		{"another issuer", oidctest.User{Subject: "alice", Groups: []string{"approvers"}},
			func(c map[string]any) { c["iss"] = "https://evil.example" }, http.StatusUnauthorized, "could not be verified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.is.As(tc.user)
			e.is.Tamper(tc.tamper)
			_, status, body := e.login(t)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d, want %d; page lacks %q:\n%s", status, tc.status, tc.want, body)
			}
		})
	}
}

func TestOIDCCallbackRefusals(t *testing.T) {
	e := newOIDCEnv(t)
	e.is.As(oidctest.User{Subject: "alice", Groups: []string{"approvers"}})
	// No login started here: no login cookie.
	resp, err := noRedirect.Get(e.srv.URL + "/auth/callback?state=abc&code=def")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("callback without a login: %d", resp.StatusCode)
	}
	// A login started, answered with another state.
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = cl.Get(e.srv.URL + "/login/oidc")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "code_challenge_method=S256") {
		t.Fatalf("login start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = cl.Get(e.srv.URL + "/auth/callback?state=forged&code=def")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("callback with another state: %d", resp.StatusCode)
	}
}

func TestForgedSession(t *testing.T) {
	e := newEnv(t)
	ck, _ := e.loginSession(t, viewerToken)
	body, sig, _ := strings.Cut(ck.Value, ".")
	for name, v := range map[string]string{
		"no signature":    body,
		"other signature": body + "." + strings.Repeat("A", len(sig)),
		"login cookie":    mustSeal(t, e.c, loginCookie, session{Identity: Identity{Subject: "x", Role: RoleApprover}, CSRF: "c", Expires: 1 << 40}),
		"expired":         mustSeal(t, e.c, sessionCookie, session{Identity: Identity{Subject: "x", Role: RoleApprover}, CSRF: "c", Expires: 1}),
	} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/whoami", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: v})
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
}

func mustSeal(t *testing.T, c *Console, purpose string, v any) string {
	t.Helper()
	s, err := c.sign.seal(purpose, v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
