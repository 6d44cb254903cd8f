package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseConsole(t *testing.T) {
	f, err := Parse("rootwatch.yaml", strings.NewReader(`
watch:
  console:
    enabled: true
    url: https://rootwatch.example.com
    oidc_issuer: https://idp.example
    oidc_client_id: c1
    oidc_client_secret_file: /run/secrets/oidc
    oidc_scopes: [profile, groups]
    groups_claim: roles
    viewer_group: sec
    approver_group: sec-leads
    token_file: /etc/rootwatch/tokens
    session_ttl: 4h
`), Env{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	c := f.Watch.Console
	if c == nil || !c.Enabled || c.URL != "https://rootwatch.example.com" || c.GroupsClaim != "roles" ||
		len(c.OIDCScopes) != 2 || c.SessionTTL != 4*time.Hour || c.TokenFile != "/etc/rootwatch/tokens" {
		t.Errorf("console = %+v", c)
	}
	if _, err := Parse("rootwatch.yaml", strings.NewReader("watch:\n  console:\n    enable: true\n"), Env{Getenv: func(string) string { return "" }}); err == nil {
		t.Error("a misspelt console key was accepted")
	}
}
