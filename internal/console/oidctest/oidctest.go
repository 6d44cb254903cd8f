// Package oidctest is a small OpenID provider for tests, on loopback:
// discovery, JWKS, an authorization endpoint that signs in whoever the
// test says is at the keyboard (no form to fill), and a token endpoint
// that checks the PKCE verifier and returns an RS256-signed ID token with
// a groups claim.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Issuer is the provider. URL is its issuer URL.
type Issuer struct {
	URL    string
	srv    *httptest.Server
	key    *rsa.PrivateKey
	signer jose.Signer

	mu     sync.Mutex
	user   User
	codes  map[string]issuedCode
	client string
	tamper func(claims map[string]any)
}

// User is who signs in.
type User struct {
	Subject string
	Email   string
	Groups  []string
}

type issuedCode struct {
	user      User
	nonce     string
	challenge string
	redirect  string
}

// New starts a provider for clientID, stopped when the test ends.
func New(t testing.TB, clientID string) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	is := &Issuer{key: key, signer: sig, codes: map[string]issuedCode{}, client: clientID}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.URL, "authorization_endpoint": is.URL + "/authorize", "token_endpoint": is.URL + "/token",
			"jwks_uri": is.URL + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != is.client || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
			http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		code := rand.Text()
		is.mu.Lock()
		is.codes[code] = issuedCode{user: is.user, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		is.mu.Unlock()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil {
			http.Error(w, "bad redirect_uri", http.StatusBadRequest)
			return
		}
		bq := back.Query()
		bq.Set("code", code)
		bq.Set("state", q.Get("state"))
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		c, ok := is.codes[r.PostFormValue("code")]
		delete(is.codes, r.PostFormValue("code"))
		is.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge || r.PostFormValue("redirect_uri") != c.redirect {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": is.URL, "sub": c.user.Subject, "aud": is.client, "nonce": c.nonce,
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": c.user.Email, "groups": c.user.Groups}
		is.mu.Lock()
		if is.tamper != nil {
			is.tamper(claims)
		}
		is.mu.Unlock()
		tok, err := jwt.Signed(is.signer).Claims(claims).Serialize()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + rand.Text(), "token_type": "Bearer",
			"expires_in": 300, "id_token": tok})
	})
	is.srv = httptest.NewServer(mux)
	is.URL = is.srv.URL
	t.Cleanup(is.srv.Close)
	return is
}

// Tamper changes the claims of the ID tokens issued from now on (nil:
// none), to test that the relying party refuses them.
func (is *Issuer) Tamper(f func(claims map[string]any)) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.tamper = f
}

// As makes the next login come from u.
func (is *Issuer) As(u User) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.user = u
}
