package cli

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/console"
	"github.com/rootwatch/rootwatch/internal/store"
)

// consoleFlags are the flags of watch.console in rootwatch.yaml, one per
// key (consoleFlagOf; a test checks both ways).
type consoleFlags struct {
	Enabled              bool
	URL                  string
	OIDCIssuer           string
	OIDCClientID         string
	OIDCClientSecretFile string
	OIDCScopes           []string
	GroupsClaim          string
	ViewerGroup          string
	ApproverGroup        string
	TokenFile            string
	SessionTTL           time.Duration
}

var consoleFlagOf = map[string]string{
	"enabled": "console", "url": "console-url", "oidc_issuer": "console-oidc-issuer",
	"oidc_client_id": "console-oidc-client-id", "oidc_client_secret_file": "console-oidc-client-secret-file",
	"oidc_scopes": "console-oidc-scope", "groups_claim": "console-groups-claim", "viewer_group": "console-viewer-group",
	"approver_group": "console-approver-group", "token_file": "console-token-file", "session_ttl": "console-session-ttl",
}

func bindConsoleFlags(fl *pflag.FlagSet, o *consoleFlags) {
	fl.BoolVar(&o.Enabled, "console", false, "serve the web console on --listen (login: --console-oidc-* or --console-token-file; see docs/console.md)")
	fl.StringVar(&o.URL, "console-url", "", "the console's external base `URL` (https://...): OIDC redirect URL/auth/callback, links in proposals, Secure cookies")
	fl.StringVar(&o.OIDCIssuer, "console-oidc-issuer", "", "OpenID Connect issuer `URL` of the console's login")
	fl.StringVar(&o.OIDCClientID, "console-oidc-client-id", "", "OpenID Connect client ID")
	fl.StringVar(&o.OIDCClientSecretFile, "console-oidc-client-secret-file", "", "`FILE` holding the OpenID Connect client secret (mode 600)")
	fl.StringArrayVar(&o.OIDCScopes, "console-oidc-scope", nil, "`SCOPE` requested besides openid (repeatable; default profile and email; Okta needs groups)")
	fl.StringVar(&o.GroupsClaim, "console-groups-claim", "", "ID token claim holding the user's groups (default groups)")
	fl.StringVar(&o.ViewerGroup, "console-viewer-group", "", "`GROUP` whose members may look")
	fl.StringVar(&o.ApproverGroup, "console-approver-group", "", "`GROUP` whose members may also decide corrections and retry deliveries")
	fl.StringVar(&o.TokenFile, "console-token-file", "", "`FILE` of \"ROLE SUBJECT TOKEN\" lines, for small teams and scripts (mode 600)")
	fl.DurationVar(&o.SessionTTL, "console-session-ttl", 0, "how long a console login lasts (default 8h)")
}

// applyConsoleFlags merges the flags into the file's console section
// (set applies a flag when given, or when there is no file).
func applyConsoleFlags(c *config.Watch, o *consoleFlags, set func(string, func())) {
	if c.Console == nil {
		c.Console = &config.Console{}
	}
	k := c.Console
	set("console", func() { k.Enabled = k.Enabled || o.Enabled })
	str := func(flag string, dst *string, v string) {
		set(flag, func() {
			if v != "" {
				*dst = v
			}
		})
	}
	str("console-url", &k.URL, o.URL)
	str("console-oidc-issuer", &k.OIDCIssuer, o.OIDCIssuer)
	str("console-oidc-client-id", &k.OIDCClientID, o.OIDCClientID)
	str("console-oidc-client-secret-file", &k.OIDCClientSecretFile, o.OIDCClientSecretFile)
	str("console-groups-claim", &k.GroupsClaim, o.GroupsClaim)
	str("console-viewer-group", &k.ViewerGroup, o.ViewerGroup)
	str("console-approver-group", &k.ApproverGroup, o.ApproverGroup)
	str("console-token-file", &k.TokenFile, o.TokenFile)
	set("console-oidc-scope", func() {
		if len(o.OIDCScopes) > 0 {
			k.OIDCScopes = o.OIDCScopes
		}
	})
	set("console-session-ttl", func() {
		if o.SessionTTL != 0 {
			k.SessionTTL = o.SessionTTL
		}
	})
}

// readSecretFile reads a secret file that only its owner may read.
func readSecretFile(what, path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s %s: mode %o lets other users read or change it; chmod 600 it", what, path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// buildConsole makes the console of watch.console, or nil when it is off.
func buildConsole(k *config.Console, st *store.Store, now func() time.Time, log *slog.Logger) (*console.Console, error) {
	if k == nil || !k.Enabled {
		return nil, nil
	}
	o := console.Options{Store: st, URL: k.URL, SessionTTL: k.SessionTTL, Now: now, Logger: log.With("component", "console")}
	if k.OIDCIssuer != "" || k.OIDCClientID != "" {
		oc := &console.OIDC{Issuer: k.OIDCIssuer, ClientID: k.OIDCClientID, Scopes: k.OIDCScopes, GroupsClaim: k.GroupsClaim,
			ViewerGroup: k.ViewerGroup, ApproverGroup: k.ApproverGroup}
		if k.OIDCClientSecretFile != "" {
			s, err := readSecretFile("console OIDC client secret file", k.OIDCClientSecretFile)
			if err != nil {
				return nil, err
			}
			oc.ClientSecret = s
		}
		o.OIDC = oc
	}
	if k.TokenFile != "" {
		ts, err := console.ReadTokenFile(k.TokenFile)
		if err != nil {
			return nil, err
		}
		o.Tokens = ts
	}
	return console.New(o)
}
