package watch

import (
	"testing"
)

func TestIsOrgUnit(t *testing.T) {
	for id, want := range map[string]bool{
		"ou-ab12-11111111":   true,
		"ou-ab12-abcdefgh12": true,
		"r-ab12":             true,
		"ou-ab12":            false,
		"ou-AB12-11111111":   false,
		"ou-ab1-11111111":    false,
		"ou-ab12-1111111":    false,
		"r-ab1":              false,
		"ou-ab12-11111111-x": false,
		"111122223333":       false,
		"r-*":                false,
	} {
		if got := IsOrgUnit(id); got != want {
			t.Errorf("IsOrgUnit(%q) = %v, want %v", id, got, want)
		}
	}
}

// The first rule that matches wins, whether it names the account, a
// pattern or an OU the account sits in at any depth; when an OU rule
// comes first and the OUs are unknown, the policy is notify-only and
// says why.
func TestPolicyForOUs(t *testing.T) {
	const (
		prod = "ou-ab12-11111111"
		web  = "ou-ab12-22222222"
		sbx  = "ou-ab12-33333333"
	)
	p := Policy{Default: ActionAsk, Actions: AllActions, Approvers: []string{"os:alice@bastion"}, Accounts: []AccountPolicy{
		{Match: []string{"111111111111"}, Default: ActionCorrect},
		{Match: []string{sbx}, Default: ActionSkip, Actions: []string{ActionNotify, ActionSkip}},
		{Match: []string{prod}, Approvers: []string{"os:bob@ops-1"}},
	}}
	if _, err := p.check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name           string
		at             Placement
		wantDefault    string
		wantApprover   string
		wantUnsure     bool
		wantActionsLen int
	}{
		{"account rule before OU rules: OUs not needed", Placement{Account: "111111111111"}, ActionCorrect, "os:alice@bastion", false, 4},
		{"sandbox OU", Placement{Account: "222222222222", OUs: []string{"r-ab12", sbx}, OUsKnown: true}, ActionSkip, "os:alice@bastion", false, 2},
		{"nested under prod", Placement{Account: "333333333333", OUs: []string{"r-ab12", prod, web}, OUsKnown: true}, ActionAsk, "os:bob@ops-1", false, 4},
		{"in no named OU", Placement{Account: "444444444444", OUs: []string{"r-ab12"}, OUsKnown: true}, ActionAsk, "os:alice@bastion", false, 4},
		{"OUs unknown", Placement{Account: "555555555555"}, ActionNotify, "", true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := p.For(tt.at)
			if got.Default != tt.wantDefault || (got.Unsure != "") != tt.wantUnsure || len(got.Actions) != tt.wantActionsLen {
				t.Errorf("For = %+v, want default %s, unsure %v, %d actions", got, tt.wantDefault, tt.wantUnsure, tt.wantActionsLen)
			}
			if tt.wantApprover == "" && len(got.Approvers) != 0 || tt.wantApprover != "" && (len(got.Approvers) != 1 || got.Approvers[0] != tt.wantApprover) {
				t.Errorf("approvers = %v, want %q", got.Approvers, tt.wantApprover)
			}
		})
	}
	if !p.NeedsOUs() || (Policy{Accounts: []AccountPolicy{{Match: []string{"1111*"}}}}).NeedsOUs() {
		t.Error("NeedsOUs wrong")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/rootwatch/rootwatch.db":    "/var/lib/rootwatch/rootwatch.db",
		"postgres://rw@db:5432/rootwatch":    "postgres://rw@db:5432/rootwatch",
		"/home/a b/rw.db":                    "'/home/a b/rw.db'",
		"/tmp/it's.db":                       `'/tmp/it'\''s.db'`,
		"postgres://rw@db/x?sslmode=require": "'postgres://rw@db/x?sslmode=require'",
		"":                                   "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
