package audit

import (
	"encoding/json"
	"path"
	"strings"
)

// A small reader of resource policies, enough to answer one question:
// may CloudWatch (acting for the alarm's account) perform these actions?
// It is deliberately strict: a condition it does not understand is taken
// as not met, so it can report a false FAIL, never a false PASS.

type policyDoc struct {
	Statement statements `json:"Statement"`
}

type statement struct {
	Sid       string                           `json:"Sid"`
	Effect    string                           `json:"Effect"`
	Principal json.RawMessage                  `json:"Principal"`
	Action    stringList                       `json:"Action"`
	Resource  stringList                       `json:"Resource"`
	Condition map[string]map[string]stringList `json:"Condition"`
}

// statements accepts a single statement object or a list.
type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one statement
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = statements{one}
		return nil
	}
	var many []statement
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

// stringList accepts a string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = stringList{s}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*l = many
	return err
}

// request is what CloudWatch's call looks like to the policy.
type request struct {
	actions  []string // every one must be allowed
	resource string
	context  map[string]string // lower-case condition key -> value
}

const cloudwatchPrincipal = "cloudwatch.amazonaws.com"

// principalMatches: "*", {"AWS":"*"} or the CloudWatch service principal.
func principalMatches(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]stringList
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for k, vs := range m {
		for _, v := range vs {
			switch {
			case k == "AWS" && v == "*", k == "Service" && v == cloudwatchPrincipal:
				return true
			}
		}
	}
	return false
}

func globMatch(pattern, s string) bool {
	// IAM wildcards are * and ?, case-insensitive for actions; path.Match
	// treats '/' specially, which ARNs and actions may contain, so map it.
	p := strings.ReplaceAll(strings.ToLower(pattern), "/", "\x00")
	v := strings.ReplaceAll(strings.ToLower(s), "/", "\x00")
	p = strings.ReplaceAll(p, "[", "\\[")
	ok, err := path.Match(p, v)
	return err == nil && ok
}

func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// conditionsMet evaluates the operators CloudWatch's requests can satisfy.
// An operator it does not know yields unsure: the caller then assumes
// whatever is worse for the verdict (a Deny applies, an Allow does not).
func conditionsMet(cond map[string]map[string]stringList, ctx map[string]string) (met bool, why string, unsure bool) {
	for op, kv := range cond {
		lop := strings.ToLower(op)
		ifExists := strings.HasSuffix(lop, "ifexists")
		base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(lop, "forallvalues:"), "foranyvalue:"), "ifexists")
		negated := false
		switch base {
		case "stringequals", "arnequals", "stringequalsignorecase", "stringlike", "arnlike":
		case "stringnotequals", "arnnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotlike":
			negated = true
			base = strings.Replace(base, "not", "", 1)
		default:
			return false, "a " + op + " condition rootwatch cannot evaluate", true
		}
		for key, want := range kv {
			got, ok := ctx[strings.ToLower(key)]
			if !ok {
				// IAM: an absent key fails a positive operator and
				// satisfies a negated one (and any ...IfExists).
				if ifExists || negated {
					continue
				}
				return false, "a condition on " + key + ", which CloudWatch's request does not carry", false
			}
			match := false
			for _, w := range want {
				switch base {
				case "stringequals", "arnequals":
					match = match || w == got
				case "stringequalsignorecase":
					match = match || strings.EqualFold(w, got)
				case "stringlike", "arnlike":
					match = match || globMatch(w, got)
				}
			}
			if match == negated {
				return false, "condition " + op + " " + key + " " + strings.Join(want, ", ") + " is not met by CloudWatch's request", false
			}
		}
	}
	return true, "", false
}

// allows evaluates doc for r: an explicit deny wins, then every action
// needs an allow.
func allows(doc string, r request) (bool, string) {
	if strings.TrimSpace(doc) == "" {
		return false, "the policy is empty"
	}
	var p policyDoc
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false, "the policy is not valid JSON: " + err.Error()
	}
	allowed := map[string]bool{}
	var lastWhy string
	for _, st := range p.Statement {
		if !principalMatches(st.Principal) || (len(st.Resource) > 0 && !anyMatch(st.Resource, r.resource)) {
			continue
		}
		ok, why, unsure := conditionsMet(st.Condition, r.context)
		for _, a := range r.actions {
			if !anyMatch(st.Action, a) {
				continue
			}
			switch {
			case strings.EqualFold(st.Effect, "Deny") && (ok || unsure):
				return false, "statement " + sidOr(st.Sid) + " denies " + a
			case strings.EqualFold(st.Effect, "Allow") && ok:
				allowed[a] = true
			case strings.EqualFold(st.Effect, "Allow"):
				lastWhy = "statement " + sidOr(st.Sid) + " allows " + a + " only with " + why
			}
		}
	}
	var missing []string
	for _, a := range r.actions {
		if !allowed[a] {
			missing = append(missing, a)
		}
	}
	if len(missing) > 0 {
		if lastWhy != "" {
			return false, lastWhy
		}
		return false, "no statement allows " + strings.Join(missing, ", ") + " to " + cloudwatchPrincipal
	}
	return true, ""
}

func sidOr(sid string) string {
	if sid == "" {
		return "(no Sid)"
	}
	return `"` + sid + `"`
}

// CloudWatchMayPublish reports whether a topic policy lets the alarm's
// CloudWatch publish to topicARN. The default SNS policy (any principal,
// AWS:SourceOwner = the topic owner) allows it for alarms in the same
// account.
func CloudWatchMayPublish(policy, topicARN, alarmARN, alarmAccount string) (bool, string) {
	return allows(policy, request{
		actions:  []string{"sns:Publish"},
		resource: topicARN,
		context: map[string]string{
			"aws:sourceowner": alarmAccount, "aws:sourceaccount": alarmAccount,
			"aws:sourcearn": alarmARN, "aws:principalservicename": cloudwatchPrincipal,
		},
	})
}

// CloudWatchMayUseKey reports whether a key policy lets the alarm's
// CloudWatch encrypt messages for an encrypted topic (kms:Decrypt and
// kms:GenerateDataKey*). CloudWatch's KMS requests carry aws:SourceAccount
// and aws:SourceArn, so policies guarded against the confused deputy pass.
func CloudWatchMayUseKey(policy, alarmARN, alarmAccount string) (bool, string) {
	return allows(policy, request{
		actions:  []string{"kms:Decrypt", "kms:GenerateDataKey"},
		resource: "*",
		context: map[string]string{
			"aws:principalservicename": cloudwatchPrincipal,
			"aws:sourceaccount":        alarmAccount, "aws:sourcearn": alarmARN,
		},
	})
}
