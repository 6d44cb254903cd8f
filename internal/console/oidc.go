package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC configures login through an OpenID Connect provider: the
// authorization code flow with PKCE, state and nonce; the groups claim of
// the ID token maps to a role.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Scopes requested besides openid (default profile, email; Okta
	// needs groups to put groups in the token).
	Scopes        []string
	GroupsClaim   string // default "groups"
	ViewerGroup   string
	ApproverGroup string
	// HTTPClient talks to the provider (default http.DefaultClient).
	HTTPClient *http.Client
}

func (o *OIDC) check() error {
	switch {
	case o.Issuer == "" || o.ClientID == "":
		return errors.New("console OIDC: give the issuer and the client ID")
	case o.ViewerGroup == "" && o.ApproverGroup == "":
		return errors.New("console OIDC: give a viewer group, an approver group or both (nobody could log in)")
	}
	if o.GroupsClaim == "" {
		o.GroupsClaim = "groups"
	}
	if len(o.Scopes) == 0 {
		o.Scopes = []string{"profile", "email"}
	}
	return nil
}

// oidcClient discovers the provider on first use (and again after a
// failure), so a provider that is down when watch starts does not stop
// watch from detecting.
type oidcClient struct {
	o        OIDC
	redirect string

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

func (c *oidcClient) ctx(ctx context.Context) context.Context {
	if c.o.HTTPClient != nil {
		return oidc.ClientContext(ctx, c.o.HTTPClient)
	}
	return ctx
}

func (c *oidcClient) setup(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, c.verifier, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(c.ctx(ctx), c.o.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("discover OpenID provider %s: %w", c.o.Issuer, err)
	}
	c.provider, c.verifier = p, p.Verifier(&oidc.Config{ClientID: c.o.ClientID})
	return c.provider, c.verifier, nil
}

func (c *oidcClient) config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.o.ClientID, ClientSecret: c.o.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.redirect, Scopes: append([]string{oidc.ScopeOpenID}, c.o.Scopes...)}
}

// start returns where to send the browser and the state to remember.
func (c *oidcClient) start(ctx context.Context) (string, loginState, error) {
	p, _, err := c.setup(ctx)
	if err != nil {
		return "", loginState{}, err
	}
	ls := loginState{State: randomString(24), Nonce: randomString(24), Verifier: oauth2.GenerateVerifier()}
	u := c.config(p).AuthCodeURL(ls.State, oidc.Nonce(ls.Nonce), oauth2.S256ChallengeOption(ls.Verifier))
	return u, ls, nil
}

// errNoRole: the provider vouched for the user, but they are in neither group.
var errNoRole = errors.New("not in the console's viewer or approver group")

// finish exchanges the code, verifies the ID token (signature, issuer,
// audience, expiry, nonce) and maps its groups to a role.
func (c *oidcClient) finish(ctx context.Context, ls loginState, code string) (Identity, error) {
	p, verifier, err := c.setup(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx, cancel := context.WithTimeout(c.ctx(ctx), 30*time.Second)
	defer cancel()
	tok, err := c.config(p).Exchange(ctx, code, oauth2.VerifierOption(ls.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("exchange the code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return Identity{}, errors.New("the provider returned no ID token")
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("verify the ID token: %w", err)
	}
	if idt.Nonce != ls.Nonce {
		return Identity{}, errors.New("verify the ID token: nonce does not match")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("read the ID token's claims: %w", err)
	}
	if !validSubject(idt.Subject) {
		return Identity{}, fmt.Errorf("subject %q cannot name an approver (spaces, =, comma or parentheses)", idt.Subject)
	}
	id := Identity{Subject: idt.Subject, Via: "oidc"}
	for _, k := range []string{"email", "name", "preferred_username"} {
		if v, ok := claims[k].(string); ok && v != "" {
			id.Name = v
			break
		}
	}
	groups := groupsOf(claims[c.o.GroupsClaim])
	switch {
	case c.o.ApproverGroup != "" && slices.Contains(groups, c.o.ApproverGroup):
		id.Role = RoleApprover
	case c.o.ViewerGroup != "" && slices.Contains(groups, c.o.ViewerGroup):
		id.Role = RoleViewer
	default:
		return id, errNoRole
	}
	return id, nil
}

// groupsOf reads a groups claim: a list of strings, or one string
// (some providers send a single group as a string).
func groupsOf(v any) []string {
	switch g := v.(type) {
	case string:
		return []string{g}
	case []any:
		var out []string
		for _, x := range g {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
