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
	var on, partial, off []string
	for _, r := range a.Rules {
		j := judgeEventPattern(r.EventPattern)
		if !j.relevant {
			continue
		}
		d := fmt.Sprintf("EventBridge rule %s in %s", r.Name, r.Region)
		switch {
		case !j.rootOnly:
			off = append(off, d+" "+j.why)
		case r.State != "ENABLED":
			off = append(off, d+" is "+strings.ToLower(r.State))
		case len(r.Targets) == 0 && r.TargetsError == nil:
			off = append(off, d+" has no target")
		case j.only != "":
			partial = append(partial, d+" "+j.only)
		case r.TargetsError != nil:
			on = append(on, d+" (targets: "+r.TargetsError.Verdict()+")")
		default:
			on = append(on, fmt.Sprintf("%s → %d target(s)", d, len(r.Targets)))
		}
	}
	var parts []string
	if len(on) > 0 {
		parts = append(parts, "monitored, not the CIS chain: "+strings.Join(on, "; ")+"; an auditor checking CIS 4.3 will still fail this account")
	}
	if len(partial) > 0 {
		parts = append(parts, "partly monitored: "+strings.Join(partial, "; "))
	}
	if len(off) > 0 {
		parts = append(parts, "not monitoring: "+strings.Join(off, "; "))
	}
	return strings.Join(parts, ". ")
}

// The CloudTrail events EventBridge delivers that the CIS pattern counts:
// API calls and console sign-ins.
var cloudTrailDetailTypes = []string{"AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"}

var rootTypePath = []string{"detail", "userIdentity", "type"}

// eventPatternJudgement is what an EventBridge event pattern means for
// root monitoring.
type eventPatternJudgement struct {
	// relevant: the pattern looks at detail.userIdentity.type at all.
	relevant bool
	// rootOnly: every event it matches has detail.userIdentity.type Root.
	rootOnly bool
	// why explains a pattern that is relevant but not root-only.
	why string
	// only says which root events a root-only pattern leaves out, empty
	// when it matches every root API call and console sign-in.
	only string
}

// judgeEventPattern reads an event pattern by EventBridge's rules: fields
// of an object are ANDed, the values of a field's array are ORed, a field
// the pattern does not name matches anything, and "$or" lists alternative
// objects at its level. It is root-only when, on every way through the
// pattern, detail.userIdentity.type must be Root; an absent type, a second
// value, "anything-but", "exists" or a prefix other than Root admits other
// identities.
func judgeEventPattern(pattern string) eventPatternJudgement {
	var p map[string]any
	if json.Unmarshal([]byte(pattern), &p) != nil || !mentions(p, rootTypePath) {
		return eventPatternJudgement{}
	}
	j := eventPatternJudgement{relevant: true, rootOnly: requiresRoot(p, rootTypePath)}
	if !j.rootOnly {
		j.why = "matches events that are not root's (its detail.userIdentity.type condition also admits other identities, or not every alternative requires Root), so it is not root monitoring"
		return j
	}
	var gaps []string
	if dt, ok := p["detail-type"]; ok {
		vals, _ := dt.([]any)
		for _, want := range cloudTrailDetailTypes {
			if !slices.Contains(vals, any(want)) {
				gaps = append(gaps, fmt.Sprintf("it does not match %q events", want))
			}
		}
	}
	if extra := constrained(p, ""); len(extra) > 0 {
		gaps = append(gaps, "it also requires "+strings.Join(extra, ", ")+", so root events outside those conditions are missed")
	}
	j.only = strings.Join(gaps, "; ")
	return j
}

// mentions reports whether any way through p names path.
func mentions(p map[string]any, path []string) bool {
	if len(path) == 0 {
		return true
	}
	if v, ok := p[path[0]]; ok {
		if len(path) == 1 {
			return true
		}
		if child, ok := v.(map[string]any); ok && mentions(child, path[1:]) {
			return true
		}
	}
	for _, b := range orBranches(p) {
		if mentions(b, path) {
			return true
		}
	}
	return false
}

// requiresRoot reports whether every event p matches has Root at path:
// p's own field at path says so, or every "$or" alternative at this level
// does.
func requiresRoot(p map[string]any, path []string) bool {
	if v, ok := p[path[0]]; ok {
		if len(path) == 1 {
			if vals, ok := v.([]any); ok && len(vals) > 0 && allRoot(vals) {
				return true
			}
		} else if child, ok := v.(map[string]any); ok && requiresRoot(child, path[1:]) {
			return true
		}
	}
	bs := orBranches(p)
	if len(bs) == 0 {
		return false
	}
	for _, b := range bs {
		if !requiresRoot(b, path) {
			return false
		}
	}
	return true
}

// allRoot reports whether each value of a field's array matches only
// "Root": the string itself, or equals-ignore-case, prefix or wildcard
// (without a star) of Root. CloudTrail's identity types are a fixed set,
// and none but Root starts with it.
func allRoot(vals []any) bool {
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			if x != "Root" {
				return false
			}
		case map[string]any:
			if len(x) != 1 {
				return false
			}
			ok := false
			for op, arg := range x {
				s, isString := arg.(string)
				switch op {
				case "equals-ignore-case":
					ok = isString && strings.EqualFold(s, "Root")
				case "prefix", "wildcard":
					ok = isString && s == "Root"
				}
			}
			if !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// constrained lists the fields p conditions besides the root identity, the
// CloudTrail detail types and where the event comes from: each narrows
// which root events the rule sees.
func constrained(p map[string]any, prefix string) []string {
	var out []string
	for k, v := range p {
		name := strings.TrimPrefix(prefix+"."+k, ".")
		switch {
		case k == "$or":
			out = append(out, "one of several alternatives")
		case name == "detail-type" || name == "account" || name == "region" || name == "detail.userIdentity.type":
		case name == "source" && anyAWSSource(v):
		default:
			if child, ok := v.(map[string]any); ok {
				out = append(out, constrained(child, name)...)
			} else {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// anyAWSSource reports a source condition every CloudTrail event meets:
// a prefix "aws." (CloudTrail's events come from aws.<service>).
func anyAWSSource(v any) bool {
	vals, _ := v.([]any)
	for _, x := range vals {
		if m, ok := x.(map[string]any); ok && len(m) == 1 && m["prefix"] == "aws." {
			return true
		}
	}
	return false
}

func orBranches(p map[string]any) []map[string]any {
	list, _ := p["$or"].([]any)
	var out []map[string]any
	for _, b := range list {
		if m, ok := b.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
