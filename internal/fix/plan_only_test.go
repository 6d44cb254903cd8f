package fix

import (
	"reflect"
	"testing"
)

func TestPlanOnly(t *testing.T) {
	plan := func() *Plan {
		return &Plan{Accounts: []AccountPlan{
			{Account: "111111111111", Region: "us-east-1", Covers: []string{"111111111111", "222222222222"}},
			{Account: "333333333333", Region: "us-east-1", Covers: []string{"333333333333"}},
		}}
	}
	tests := []struct {
		name      string
		accounts  []string
		kept      []string
		unmatched []string
	}{
		{"owner", []string{"111111111111"}, []string{"111111111111"}, nil},
		{"member keeps the owner's chain", []string{"222222222222"}, []string{"111111111111"}, nil},
		{"two chains", []string{"222222222222", "333333333333"}, []string{"111111111111", "333333333333"}, nil},
		{"unknown account", []string{"444444444444", "333333333333"}, []string{"333333333333"}, []string{"444444444444"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan()
			unmatched := p.Only(tt.accounts)
			var kept []string
			for _, a := range p.Accounts {
				kept = append(kept, a.Account)
			}
			if !reflect.DeepEqual(kept, tt.kept) || !reflect.DeepEqual(unmatched, tt.unmatched) {
				t.Fatalf("kept %v unmatched %v, want %v %v", kept, unmatched, tt.kept, tt.unmatched)
			}
		})
	}
}
