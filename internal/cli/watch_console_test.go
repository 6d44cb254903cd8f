package cli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/rootwatch/rootwatch/internal/config"
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
