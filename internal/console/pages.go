package console

import (
	"bytes"
	_ "embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/audit/report"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// The pages are rendered on the server (html.go) and carry no script, so
// the Content-Security-Policy allows none. The stylesheet is embedded.
//
//go:embed web/console.css
var consoleCSS []byte

var pageBodies = map[string]func(*page, view){
	"overview": overviewHTML, "account": accountHTML, "alerts": alertsHTML, "corrections": correctionsHTML,
	"correction": func(p *page, v view) { correctionHTML(p, v, v.Data.(Correction)) },
	"login":      loginHTML, "error": errorHTML,
}

func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(consoleCSS)
}

// pager is the "1–50 of 1234 · previous · next" line.
type pager struct {
	From, To, Total int
	More            bool // there are more than Total
	Prev, Next      string
}

func makePager(r *http.Request, offset, limit, shown, total int, more bool) *pager {
	if total == 0 {
		return nil
	}
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		return r.URL.Path + "?" + q.Encode()
	}
	p := &pager{From: offset + 1, To: offset + shown, Total: total, More: more}
	if offset > 0 {
		p.Prev = link(max(offset-limit, 0))
	}
	if shown == limit && (more || offset+shown < total) {
		p.Next = link(offset + limit)
	}
	return p
}

// view is what every page template sees.
type view struct {
	Title    string
	Nav      string
	Who      Identity
	CSRF     string
	Approver bool
	Flash    string
	Data     any
	Pager    *pager
	// Page-specific fields.
	Filter      OverviewFilter
	Statuses    []string
	Evidence    string // HTML from the audit report's writer
	PerDay      []Day
	AlertFilter AlertFilter
	Rules       []string
	History     Page[Correction]
	OIDC        bool
	Tokens      bool
	Next        string
	Message     string
}

func (c *Console) render(w http.ResponseWriter, status int, name string, v view) {
	var p page
	p.layout(v, func(p *page) { pageBodies[name](p, v) })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(p.b.String()))
}

func (c *Console) viewFor(a auth, title, nav string, r *http.Request) view {
	return view{Title: title, Nav: nav, Who: a.Identity, CSRF: a.sess.CSRF, Approver: a.Role == RoleApprover,
		Flash: flashText(r.URL.Query().Get("done"))}
}

// flashText turns the fixed result codes that redirects carry into text
// (never text from the query string itself).
func flashText(code string) string {
	return map[string]string{
		"approved": "Approved. The running watch re-checks the plan against the account and applies it within seconds.",
		"rejected": "Rejected. Nothing is changed.",
		"skipped":  "Skipped. This plan is not proposed again.",
		"retried":  "The dead deliveries are due again.",
	}[code]
}

func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, a auth, status int, msg string) {
	v := c.viewFor(a, http.StatusText(status), "", r)
	v.Message = msg
	c.render(w, status, "error", v)
}

func (c *Console) pageFail(w http.ResponseWriter, r *http.Request, a auth, err error) {
	status, msg := c.fail(w, r, err)
	c.errorPage(w, r, a, status, msg)
}

func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request, a auth) {
	off, _, err := paging(r)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	q := r.URL.Query()
	f := OverviewFilter{Status: q.Get("status"), Account: q.Get("account"), OU: q.Get("ou"), Offset: off, Limit: DefaultLimit}
	ov, err := c.svc.Overview(r.Context(), f)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	v := c.viewFor(a, "Overview", "overview", r)
	v.Data, v.Filter = ov, f
	v.Statuses = []string{watch.ChainPass, watch.ChainFail, watch.ChainUnknown}
	v.Pager = makePager(r, ov.Page.Offset, ov.Page.Limit, len(ov.Page.Items), ov.Page.Total, false)
	c.render(w, http.StatusOK, "overview", v)
}

func (c *Console) accountPage(w http.ResponseWriter, r *http.Request, a auth) {
	acc, err := c.svc.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	v := c.viewFor(a, "Account "+acc.Account, "overview", r)
	v.Data = acc
	if acc.Evidence != nil {
		var b bytes.Buffer
		if err := report.AccountEvidence(&b, *acc.Evidence); err != nil {
			c.pageFail(w, r, a, err)
			return
		}
		// Written by the HTML report's own writer, which escaped every
		// value in it.
		v.Evidence = b.String()
	}
	c.render(w, http.StatusOK, "account", v)
}

func (c *Console) alertsPage(w http.ResponseWriter, r *http.Request, a auth) {
	f, err := alertFilter(r)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	f.Limit = DefaultLimit
	p, err := c.svc.Alerts(r.Context(), f)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	days, err := c.svc.RootPerDay(r.Context(), 30)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	v := c.viewFor(a, "Alerts", "alerts", r)
	v.Data, v.PerDay, v.AlertFilter = p, days, f
	v.Rules = []string{alert.RuleRootUsage, alert.RuleTamper, alert.RuleAudit, alert.RuleInputUnreadable}
	v.Pager = makePager(r, p.Offset, p.Limit, len(p.Items), p.Total, p.TotalCapped)
	c.render(w, http.StatusOK, "alerts", v)
}

func (c *Console) retryForm(w http.ResponseWriter, r *http.Request, a auth) {
	if _, err := c.retry(r, a); err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/alerts?done=retried", http.StatusSeeOther)
}

func (c *Console) correctionsPage(w http.ResponseWriter, r *http.Request, a auth) {
	off, _, err := paging(r)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	waiting, err := c.svc.Corrections(r.Context(), true, 0, MaxLimit)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	hist, err := c.svc.Corrections(r.Context(), false, off, DefaultLimit)
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	v := c.viewFor(a, "Corrections", "corrections", r)
	v.Data, v.History = waiting, hist
	v.Pager = makePager(r, hist.Offset, hist.Limit, len(hist.Items), hist.Total, false)
	c.render(w, http.StatusOK, "corrections", v)
}

func (c *Console) correctionPage(w http.ResponseWriter, r *http.Request, a auth) {
	cr, err := c.svc.Correction(r.Context(), r.PathValue("id"))
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	v := c.viewFor(a, "Correction "+cr.ID, "corrections", r)
	v.Data = cr
	c.render(w, http.StatusOK, "correction", v)
}

func (c *Console) decideForm(w http.ResponseWriter, r *http.Request, a auth) {
	cr, err := c.decide(r, a, r.PostFormValue("decision"), r.PostFormValue("reason"))
	if err != nil {
		c.pageFail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/corrections/"+url.PathEscape(cr.ID)+"?done="+url.QueryEscape(cr.State), http.StatusSeeOther)
}

// safeNext keeps a post-login destination on this site: a path, never
// //host, a scheme, a backslash or a control character (browsers drop
// tabs and newlines, so "/\t/evil.example" would become "//evil.example").
func safeNext(next string) string {
	const home = "/overview"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2000 ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x21 || r == 0x7f || r == '\\' }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return next
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "Log in", OIDC: c.oidc != nil, Tokens: len(c.o.Tokens) > 0, Next: safeNext(r.URL.Query().Get("next")),
		Flash: map[string]string{"out": "Logged out."}[r.URL.Query().Get("done")]}
	c.render(w, http.StatusOK, "login", v)
}

func (c *Console) loginToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if len(c.o.Tokens) == 0 || !c.sameOrigin(r) {
		c.errorPage(w, r, auth{}, http.StatusForbidden, "Token login is not available here.")
		return
	}
	id, ok := matchToken(c.o.Tokens, strings.TrimSpace(r.PostFormValue("token")))
	if !ok {
		c.log.Warn("console: token login refused", "remote", r.RemoteAddr)
		c.errorPage(w, r, auth{}, http.StatusUnauthorized, "That token is not valid.")
		return
	}
	if err := c.startSession(w, r, id); err != nil {
		c.pageFail(w, r, auth{}, err)
		return
	}
	c.log.Info("console: login", "subject", id.Subject, "role", id.Role, "via", id.Via)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (c *Console) loginOIDC(w http.ResponseWriter, r *http.Request) {
	if c.oidc == nil {
		c.errorPage(w, r, auth{}, http.StatusNotFound, "OpenID Connect login is not configured.")
		return
	}
	u, ls, err := c.oidc.start(r.Context())
	if err != nil {
		c.log.Error("console: OIDC login", "error", err)
		c.errorPage(w, r, auth{}, http.StatusBadGateway, "The identity provider could not be reached; try again later.")
		return
	}
	ls.Next, ls.Expires = safeNext(r.URL.Query().Get("next")), c.now().Add(10*time.Minute).Unix()
	v, err := c.sign.seal(loginCookie, ls)
	if err != nil {
		c.pageFail(w, r, auth{}, err)
		return
	}
	http.SetCookie(w, c.cookie(r, loginCookie, v, 10*time.Minute))
	http.Redirect(w, r, u, http.StatusFound)
}

// oauthErrors are the error codes of RFC 6749 (4.1.2.1) and OpenID
// Connect Core (3.1.2.6).
var oauthErrors = map[string]bool{"invalid_request": true, "unauthorized_client": true, "access_denied": true,
	"unsupported_response_type": true, "invalid_scope": true, "server_error": true, "temporarily_unavailable": true,
	"interaction_required": true, "login_required": true, "account_selection_required": true, "consent_required": true,
	"invalid_request_uri": true, "invalid_request_object": true, "request_not_supported": true,
	"request_uri_not_supported": true, "registration_not_supported": true}

var errLoginState = errors.New("the login expired or did not start here; log in again")

func (c *Console) callback(w http.ResponseWriter, r *http.Request) {
	if c.oidc == nil {
		c.errorPage(w, r, auth{}, http.StatusNotFound, "OpenID Connect login is not configured.")
		return
	}
	var ls loginState
	ck, err := r.Cookie(loginCookie)
	if err == nil {
		err = c.sign.open(loginCookie, ck.Value, &ls)
	}
	q := r.URL.Query()
	if err != nil || c.now().Unix() >= ls.Expires || q.Get("state") == "" || q.Get("state") != ls.State {
		c.errorPage(w, r, auth{}, http.StatusBadRequest, errLoginState.Error())
		return
	}
	http.SetCookie(w, c.cookie(r, loginCookie, "", -1))
	if e := q.Get("error"); e != "" {
		// Only the protocol's own codes are shown: the query string is
		// anyone's to write, and the page is this site's.
		if !oauthErrors[e] {
			e = "unknown error"
		}
		c.errorPage(w, r, auth{}, http.StatusUnauthorized, "The identity provider refused the login: "+e+".")
		return
	}
	id, err := c.oidc.finish(r.Context(), ls, q.Get("code"))
	if errors.Is(err, errNoRole) {
		c.log.Warn("console: login refused: no role", "subject", id.Subject)
		c.errorPage(w, r, auth{}, http.StatusForbidden, "You are logged in as "+id.ID()+", but in neither the console's viewer nor its approver group.")
		return
	}
	if err != nil {
		c.log.Warn("console: OIDC login failed", "error", err)
		c.errorPage(w, r, auth{}, http.StatusUnauthorized, "The login could not be verified; log in again.")
		return
	}
	if err := c.startSession(w, r, id); err != nil {
		c.pageFail(w, r, auth{}, err)
		return
	}
	c.log.Info("console: login", "subject", id.Subject, "role", id.Role, "via", id.Via)
	http.Redirect(w, r, safeNext(ls.Next), http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, _ auth) {
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login?done=out", http.StatusSeeOther)
}
