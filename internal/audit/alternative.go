package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// alternative describes EventBridge rules in a that watch root activity.
// They do monitor root use, but CIS 4.3 (and an auditor) asks for the
// metric-filter chain, so the account's verdict does not change.
func alternative(a *inventory.Account) string {
	var on, off []string
	for _, r := range a.Rules {
		if !matchesRoot(r.EventPattern) {
			continue
		}
		d := fmt.Sprintf("EventBridge rule %s in %s", r.Name, r.Region)
		switch {
		case r.State != "ENABLED":
			off = append(off, d+" is "+strings.ToLower(r.State))
		case r.TargetsError != nil:
			on = append(on, d+" (targets: "+r.TargetsError.Verdict()+")")
		case len(r.Targets) == 0:
			off = append(off, d+" has no target")
		default:
			on = append(on, fmt.Sprintf("%s → %d target(s)", d, len(r.Targets)))
		}
	}
	var parts []string
	if len(on) > 0 {
		parts = append(parts, "monitored, not the CIS chain: "+strings.Join(on, "; ")+"; an auditor checking CIS 4.3 will still fail this account")
	}
	if len(off) > 0 {
		parts = append(parts, "not monitoring: "+strings.Join(off, "; "))
	}
	return strings.Join(parts, ". ")
}

// matchesRoot reports whether an event pattern selects events whose
// detail.userIdentity.type is Root.
func matchesRoot(pattern string) bool {
	var p struct {
		Detail struct {
			UserIdentity struct {
				Type []any `json:"type"`
			} `json:"userIdentity"`
		} `json:"detail"`
	}
	if json.Unmarshal([]byte(pattern), &p) != nil {
		return false
	}
	return slices.ContainsFunc(p.Detail.UserIdentity.Type, func(v any) bool { s, ok := v.(string); return ok && s == "Root" })
}
