package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Cookie names. The login cookie carries the OpenID Connect state, nonce
// and PKCE verifier between the redirect to the provider and its answer.
const (
	sessionCookie = "rw_session"
	loginCookie   = "rw_login"
)

// session is what the signed session cookie holds. The CSRF token is
// bound to it: a form or API call made with the cookie must carry it.
type session struct {
	Identity
	CSRF    string `json:"csrf"`
	Expires int64  `json:"exp"`
}

// loginState is what the login cookie holds.
type loginState struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Next     string `json:"next,omitempty"`
	Expires  int64  `json:"exp"`
}

// signer signs cookie values with HMAC-SHA256: a value is
// base64url(JSON).base64url(MAC over purpose and JSON), so a login cookie
// cannot pass for a session.
type signer struct{ key []byte }

func newSigner() (signer, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return signer{}, err
	}
	return signer{key: k}, nil
}

func (s signer) mac(purpose string, body []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(body)
	return m.Sum(nil)
}

func (s signer) seal(purpose string, v any) (string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(body) + "." + enc.EncodeToString(s.mac(purpose, body)), nil
}

var errBadCookie = errors.New("invalid or expired cookie")

func (s signer) open(purpose, value string, v any) error {
	b64, sig, ok := strings.Cut(value, ".")
	if !ok || len(value) > 8192 {
		return errBadCookie
	}
	enc := base64.RawURLEncoding.Strict() // one encoding per value
	body, err1 := enc.DecodeString(b64)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(purpose, body)) {
		return errBadCookie
	}
	if json.Unmarshal(body, v) != nil {
		return errBadCookie
	}
	return nil
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the runtime guarantees it does not
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionOf reads the request's session; ok is false when there is none,
// it is forged, or it expired.
func (c *Console) sessionOf(r *http.Request) (session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	var s session
	if c.sign.open(sessionCookie, ck.Value, &s) != nil || c.now().Unix() >= s.Expires || s.CSRF == "" {
		return session{}, false
	}
	return s, true
}

func (c *Console) startSession(w http.ResponseWriter, r *http.Request, id Identity) error {
	s := session{Identity: id, CSRF: randomString(32), Expires: c.now().Add(c.o.SessionTTL).Unix()}
	v, err := c.sign.seal(sessionCookie, s)
	if err != nil {
		return err
	}
	http.SetCookie(w, c.cookie(r, sessionCookie, v, c.o.SessionTTL))
	return nil
}

// cookie builds a cookie: HttpOnly, SameSite=Lax (the provider's redirect
// back is a top-level GET from another site, which Strict would strip),
// Secure when the console is reached over https.
func (c *Console) cookie(r *http.Request, name, value string, ttl time.Duration) *http.Cookie {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.secure(r)}
	if ttl < 0 {
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(ttl / time.Second)
	}
	return ck
}

func (c *Console) secure(r *http.Request) bool {
	return strings.HasPrefix(c.o.URL, "https://") || r.TLS != nil
}

// csrfOK checks the CSRF token a state-changing request carries (form
// field csrf or header X-CSRF-Token) against its session's.
func csrfOK(s session, r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}
