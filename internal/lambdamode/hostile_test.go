package lambdamode

import (
	"context"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// A payload holding a root record one invalid escape keeps from being JSON
// (no rule can judge it) and a good root record: the good one alerts, and
// the broken one is an unreadable-input alert rather than a silent skip or
// a failure that holds back the good one's alert on every retry.
func TestHostileMalformedRecordAlerts(t *testing.T) {
	good := strings.TrimSpace(string(read(t, "root-create-access-key.json")))
	bad := strings.Replace(good, `"AWS Internal"`, `"\x"`, 1)
	bad = strings.Replace(bad, `"a1b2c3d4-`, `"bad-`, 1)
	if bad == good {
		t.Fatal("the record did not change")
	}
	pub := &fakeSNS{}
	h := newTestHandler(t, pub)
	res, err := h.Process(context.Background(), "invocation", []byte(`{"Records":[`+bad+`,`+good+`]}`))
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, a := range res.Alerts {
		rules = append(rules, a.Rule)
		if a.Rule == alert.RuleInputUnreadable && !strings.Contains(a.Summary, "1 of its records cannot be judged") {
			t.Errorf("unreadable alert summary %q", a.Summary)
		}
	}
	if strings.Join(rules, ",") != alert.RuleRootUsage+","+alert.RuleInputUnreadable {
		t.Errorf("alerts %v, want the root usage and the unreadable input", rules)
	}
	if len(pub.published) != 2 {
		t.Errorf("published %d, want 2", len(pub.published))
	}
}
