package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// Every key of watch.console is a flag and every console flag is a key.
func TestConsoleFlagsMatchConfig(t *testing.T) {
	f, _ := notifyFactory(nil)
	cmd := newCmdWatch(f, nil)
	keys := map[string]bool{}
	typ := reflect.TypeFor[config.Console]()
	for i := range typ.NumField() {
		key := strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0]
		keys[key] = true
		fl, ok := consoleFlagOf[key]
		if !ok {
			t.Errorf("watch.console.%s has no flag", key)
			continue
		}
		if cmd.Flags().Lookup(fl) == nil {
			t.Errorf("watch.console.%s: no flag --%s", key, fl)
		}
	}
	for key := range consoleFlagOf {
		if !keys[key] {
			t.Errorf("consoleFlagOf names watch.console.%s, which the config does not have", key)
		}
	}
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if strings.HasPrefix(fl.Name, "console") {
			found := false
			for _, v := range consoleFlagOf {
				found = found || v == fl.Name
			}
			if !found {
				t.Errorf("--%s is not a key of watch.console", fl.Name)
			}
		}
	})
}

func TestConsoleFlagsOverride(t *testing.T) {
	w := &config.Watch{Console: &config.Console{URL: "https://old.example.com", ViewerGroup: "sec"}}
	applyConsoleFlags(w, &consoleFlags{Enabled: true, URL: "https://new.example.com"}, func(_ string, apply func()) { apply() })
	if !w.Console.Enabled || w.Console.URL != "https://new.example.com" || w.Console.ViewerGroup != "sec" {
		t.Errorf("console = %+v", w.Console)
	}
}

func TestBuildConsole(t *testing.T) {
	st := storetest.SQLite(t)
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("approver alice "+strings.Repeat("t", 40)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loose := filepath.Join(dir, "secret")
	if err := os.WriteFile(loose, []byte("s3cret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := testLog(t)
	for _, tc := range []struct {
		name string
		k    *config.Console
		want string // "" builds a console; "off" builds none
	}{
		{"off", &config.Console{URL: "https://x.example"}, "off"},
		{"tokens", &config.Console{Enabled: true, TokenFile: tokens}, ""},
		{"no login", &config.Console{Enabled: true}, "no way to log in"},
		{"OIDC without URL", &config.Console{Enabled: true, OIDCIssuer: "https://idp.example", OIDCClientID: "c", ViewerGroup: "v"}, "--console-url"},
		{"OIDC without groups", &config.Console{Enabled: true, URL: "https://x.example", OIDCIssuer: "https://idp.example", OIDCClientID: "c"}, "group"},
		{"readable secret", &config.Console{Enabled: true, URL: "https://x.example", OIDCIssuer: "https://idp.example", OIDCClientID: "c",
			ViewerGroup: "v", OIDCClientSecretFile: loose}, "chmod 600"},
		{"URL with a path", &config.Console{Enabled: true, TokenFile: tokens, URL: "https://x.example/rootwatch"}, "no path"},
	} {
		c, err := buildConsole(tc.k, st, nil, log)
		switch {
		case tc.want == "off" && (c != nil || err != nil):
			t.Errorf("%s: %v, %v", tc.name, c, err)
		case tc.want == "" && (c == nil || err != nil):
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && tc.want != "off" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
