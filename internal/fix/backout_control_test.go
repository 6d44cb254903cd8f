package fix

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/store"
)

// TestSwitchTargets: which alarms the action switch works on.
func TestSwitchTargets(t *testing.T) {
	ca := func(account, name string) audit.ControlAlarm {
		return audit.ControlAlarm{Accounts: []string{account}, Account: account, Region: "us-east-1", Name: name}
	}
	fixRow := func(account, name string) store.Change {
		return store.Change{Command: "fix", Kind: string(KindAlarm), Account: account, Region: "us-east-1", Resource: name}
	}
	const a, b = "111111111111", "222222222222"
	tests := []struct {
		name     string
		control  []audit.ControlAlarm
		journal  []store.Change
		accounts []string
		alarm    string
		want     string
	}{
		{"the user's alarm", []audit.ControlAlarm{ca(a, "RootAccountUsageAlarm")}, nil, nil, "", "[111111111111/RootAccountUsageAlarm]"},
		{"one per account", []audit.ControlAlarm{ca(a, "x"), ca(b, "y")}, nil, nil, "", "[111111111111/x 222222222222/y]"},
		{"journal adds what the audit did not read", nil, []store.Change{fixRow(b, "RootAccountUsage")}, nil, "", "[222222222222/RootAccountUsage]"},
		{"journal and audit agree", []audit.ControlAlarm{ca(a, "RootAccountUsage")}, []store.Change{fixRow(a, "RootAccountUsage")}, nil, "", "[111111111111/RootAccountUsage]"},
		{"two in one account", []audit.ControlAlarm{ca(a, "x"), ca(a, "y")}, nil, nil, "", "ambiguous"},
		{"--alarm picks", []audit.ControlAlarm{ca(a, "x"), ca(a, "y")}, nil, nil, "y", "[111111111111/y]"},
		{"--account narrows", []audit.ControlAlarm{ca(a, "x"), ca(a, "y"), ca(b, "z")}, nil, []string{b}, "", "[222222222222/z]"},
		{"seeds' name finds the default", []audit.ControlAlarm{ca(a, "RootAccountUsage")}, nil, nil, "RootAccountUsageAlarm", "[111111111111/RootAccountUsage]"},
		{"default name finds the seeds'", []audit.ControlAlarm{ca(a, "RootAccountUsageAlarm")}, nil, nil, "RootAccountUsage", "[111111111111/RootAccountUsageAlarm]"},
		{"exact name wins", []audit.ControlAlarm{ca(a, "RootAccountUsageAlarm"), ca(b, "RootAccountUsage")}, nil, nil, "RootAccountUsage", "[222222222222/RootAccountUsage]"},
		{"unknown name", []audit.ControlAlarm{ca(a, "x")}, nil, nil, "nope", "none"},
		{"nothing", nil, nil, nil, "", "none"},
		{"backout's own rows are no alarm", nil, []store.Change{{Command: "backout", Kind: string(KindAlarm), Account: a, Resource: "x"}}, nil, "", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := switchTargets(tt.control, tt.journal, tt.accounts, tt.alarm)
			var none *NoControlError
			var amb *AmbiguousAlarmError
			res := ""
			switch {
			case errors.As(err, &none):
				res = "none"
			case errors.As(err, &amb):
				res = "ambiguous"
			case err != nil:
				t.Fatal(err)
			default:
				var names []string
				for _, g := range got {
					names = append(names, g.Account+"/"+g.Name)
				}
				res = fmt.Sprint(names)
			}
			if res != tt.want {
				t.Errorf("got %s (%v), want %s", res, err, tt.want)
			}
		})
	}
}

func TestRoleDescription(t *testing.T) {
	got := roleDescription("Root ünïcode \u202e\x07" + strings.Repeat("x", 200))
	if !strings.Contains(got, "Root ünïcode ??xxx") || strings.Count(got, "x") > 81 || !strings.HasSuffix(got, "... (managed by rootwatch)") {
		t.Errorf("roleDescription = %q", got)
	}
}
