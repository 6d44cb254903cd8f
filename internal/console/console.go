package console

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/store"
)

// DefaultSessionTTL is how long a login lasts.
const DefaultSessionTTL = 8 * time.Hour

// Options configure the console.
type Options struct {
	Store *store.Store
	// URL is the external base URL (https://rootwatch.example.com); it is
	// where the provider sends the browser back (URL/auth/callback), what
	// proposals link to, and, when https, makes cookies Secure.
	URL    string
	OIDC   *OIDC
	Tokens []Token
	// SessionTTL is how long a login lasts (default DefaultSessionTTL).
	SessionTTL time.Duration
	Now        func() time.Time
	Logger     *slog.Logger
}

// Console serves the pages and the API. Create it with New.
type Console struct {
	o    Options
	svc  *Service
	sign signer
	oidc *oidcClient
	mux  *http.ServeMux
	log  *slog.Logger
}

// New checks o and builds the console.
func New(o Options) (*Console, error) {
	if o.Store == nil {
		return nil, errors.New("console: no store")
	}
	if o.OIDC == nil && len(o.Tokens) == 0 {
		return nil, errors.New("console: no way to log in: configure OpenID Connect (--console-oidc-issuer) or a token file (--console-token-file)")
	}
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("console URL %q: want http(s)://HOST[:PORT][/PATH]", o.URL)
		}
		if u.Path != "" && u.Path != "/" {
			return nil, fmt.Errorf("console URL %q: the console is served at the root of its host; give no path", o.URL)
		}
		o.URL = strings.TrimRight(o.URL, "/")
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	sign, err := newSigner()
	if err != nil {
		return nil, fmt.Errorf("console: session key: %w", err)
	}
	c := &Console{o: o, svc: &Service{Store: o.Store, Now: o.Now}, sign: sign, log: o.Logger}
	if o.OIDC != nil {
		oc := *o.OIDC
		if err := oc.check(); err != nil {
			return nil, err
		}
		if o.URL == "" {
			return nil, errors.New("console OIDC: give the console's URL (--console-url): the provider sends the browser back to URL/auth/callback")
		}
		c.oidc = &oidcClient{o: oc, redirect: o.URL + "/auth/callback"}
	}
	c.routes()
	return c, nil
}

func (c *Console) now() time.Time { return c.o.Now() }

// ServeHTTP serves every request with the security headers: a strict
// Content-Security-Policy (only this origin's stylesheet, no script at
// all, no framing), nosniff, no referrer to other sites, no caching.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if c.secure(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.mux.ServeHTTP(w, r)
}

// auth is how a request authenticated.
type auth struct {
	Identity
	bearer bool
	sess   session
}

// authenticate reads a bearer token (scripts) or the session cookie.
func (c *Console) authenticate(r *http.Request) (auth, bool) {
	if v := r.Header.Get("Authorization"); v != "" {
		tok, ok := strings.CutPrefix(v, "Bearer ")
		if !ok {
			return auth{}, false
		}
		id, ok := matchToken(c.o.Tokens, strings.TrimSpace(tok))
		return auth{Identity: id, bearer: true}, ok
	}
	s, ok := c.sessionOf(r)
	return auth{Identity: s.Identity, sess: s}, ok
}

// sameOrigin refuses a state-changing browser request whose Origin (or,
// without one, Referer) is another site: defence in depth beside the
// CSRF token and SameSite cookies.
func (c *Console) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		ref := r.Header.Get("Referer")
		if ref == "" {
			return true
		}
		u, err := url.Parse(ref)
		if err != nil {
			return false
		}
		o = u.Scheme + "://" + u.Host
	}
	if c.o.URL != "" {
		return o == c.o.URL
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// guard wraps a handler: it needs a login (api: 401 JSON, pages: the
// login page), and a state-changing request made with a session needs
// the same origin and the session's CSRF token. Bearer calls need
// neither: a browser never adds that header on its own.
func (c *Console) guard(api bool, next func(http.ResponseWriter, *http.Request, auth)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := c.authenticate(r)
		if !ok {
			if api {
				apiError(w, http.StatusUnauthorized, "log in: a session cookie or Authorization: Bearer TOKEN")
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !a.bearer {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if !c.sameOrigin(r) || !csrfOK(a.sess, r) {
				c.log.Warn("console: request refused: CSRF check failed", "path", r.URL.Path, "subject", a.Subject)
				if api {
					apiError(w, http.StatusForbidden, "CSRF check failed: send the session's token in X-CSRF-Token")
					return
				}
				c.errorPage(w, r, a, http.StatusForbidden, "This form was not sent from the console (CSRF check failed). Reload the page and try again.")
				return
			}
		}
		next(w, r, a)
	}
}

func (c *Console) routes() {
	m := http.NewServeMux()
	// Pages.
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/overview", http.StatusSeeOther) })
	m.HandleFunc("GET /static/console.css", serveCSS)
	m.HandleFunc("GET /login", c.loginPage)
	m.HandleFunc("POST /login/token", c.loginToken)
	m.HandleFunc("GET /login/oidc", c.loginOIDC)
	m.HandleFunc("GET /auth/callback", c.callback)
	m.HandleFunc("POST /logout", c.guard(false, c.logout))
	m.HandleFunc("GET /overview", c.guard(false, c.overviewPage))
	m.HandleFunc("GET /accounts/{id}", c.guard(false, c.accountPage))
	m.HandleFunc("GET /alerts", c.guard(false, c.alertsPage))
	m.HandleFunc("POST /alerts/{id}/retry", c.guard(false, c.retryForm))
	m.HandleFunc("GET /corrections", c.guard(false, c.correctionsPage))
	m.HandleFunc("GET /corrections/{id}", c.guard(false, c.correctionPage))
	m.HandleFunc("POST /corrections/{id}/decision", c.guard(false, c.decideForm))
	// API.
	m.HandleFunc("GET /api/v1/whoami", c.guard(true, c.apiWhoami))
	m.HandleFunc("GET /api/v1/overview", c.guard(true, c.apiOverview))
	m.HandleFunc("GET /api/v1/accounts/{id}", c.guard(true, c.apiAccount))
	m.HandleFunc("GET /api/v1/alerts", c.guard(true, c.apiAlerts))
	m.HandleFunc("GET /api/v1/alerts/per-day", c.guard(true, c.apiPerDay))
	m.HandleFunc("POST /api/v1/alerts/{id}/retry", c.guard(true, c.apiRetry))
	m.HandleFunc("GET /api/v1/corrections", c.guard(true, c.apiCorrections))
	m.HandleFunc("GET /api/v1/corrections/{id}", c.guard(true, c.apiCorrection))
	m.HandleFunc("POST /api/v1/corrections/{id}/decision", c.guard(true, c.apiDecide))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "no such endpoint (see docs/console.md)")
	})
	c.mux = m
}
