package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// PolicySid names the statement rootwatch adds to a topic policy, so a
// later run finds it again and backout can tell it from the user's own.
const PolicySid = "RootwatchAllowCloudWatchAlarms"

// cloudWatchStatement lets CloudWatch alarms of account publish to topic.
// The aws:SourceAccount condition is AWS's advice against the confused
// deputy: another account's alarm cannot use this grant.
func cloudWatchStatement(topicARN, account string) map[string]any {
	return map[string]any{
		"Sid":       PolicySid,
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
		"Action":    "sns:Publish",
		"Resource":  topicARN,
		"Condition": map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": account},
		},
	}
}

// defaultTopicPolicy is the policy SNS gives a new topic (the owner account
// may manage it), with rootwatch's statement added.
func newTopicPolicy(topicARN, account string) string {
	owner := map[string]any{
		"Sid":       "__default_statement_ID",
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": "*"},
		"Action": []any{
			"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
			"SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
		},
		"Resource":  topicARN,
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceOwner": account}},
	}
	doc := map[string]any{
		"Version":   "2012-10-17",
		"Id":        "__default_policy_ID",
		"Statement": []any{owner, cloudWatchStatement(topicARN, account)},
	}
	b, _ := json.Marshal(doc) // only strings and maps: cannot fail
	return string(b)
}

// MergeTopicPolicy adds rootwatch's statement to an existing topic policy,
// keeping every statement already there (and replacing an older copy of
// its own statement). An empty policy yields a new document.
func MergeTopicPolicy(policy, topicARN, account string) (string, error) {
	doc := map[string]any{}
	if len(bytes.TrimSpace([]byte(policy))) > 0 {
		dec := json.NewDecoder(bytes.NewReader([]byte(policy)))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return "", fmt.Errorf("topic %s has a policy that is not JSON: %w", topicARN, err)
		}
	}
	if _, ok := doc["Version"]; !ok {
		doc["Version"] = "2012-10-17"
	}
	var stmts []any
	switch s := doc["Statement"].(type) {
	case nil:
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	default:
		return "", fmt.Errorf("topic %s policy: Statement is %T, expected an object or a list", topicARN, s)
	}
	out := make([]any, 0, len(stmts)+1)
	for _, s := range stmts {
		if m, ok := s.(map[string]any); ok && m["Sid"] == PolicySid {
			continue
		}
		out = append(out, s)
	}
	doc["Statement"] = append(out, cloudWatchStatement(topicARN, account))
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("topic %s policy: %w", topicARN, err)
	}
	return string(b), nil
}

// policyAllowsCloudWatch reports whether the policy has an unconditional-
// enough Allow for CloudWatch to publish: a statement for the
// cloudwatch.amazonaws.com service principal (or everyone) covering
// sns:Publish on this topic. A Deny on the same is taken to win.
func policyAllowsCloudWatch(policy, topicARN string) bool {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(policy), &doc) != nil || len(doc.Statement) == 0 {
		return false
	}
	var stmts []policyStatement
	if doc.Statement[0] == '{' {
		var s policyStatement
		if json.Unmarshal(doc.Statement, &s) != nil {
			return false
		}
		stmts = []policyStatement{s}
	} else if json.Unmarshal(doc.Statement, &stmts) != nil {
		return false
	}
	allowed := false
	for _, s := range stmts {
		if !s.coversCloudWatchPublish(topicARN) {
			continue
		}
		switch s.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = allowed || s.conditionHarmless(topicAccount(topicARN))
		}
	}
	return allowed
}

type policyStatement struct {
	Sid       string
	Effect    string
	Principal json.RawMessage
	Action    stringOrList
	Resource  stringOrList
	Condition map[string]map[string]json.RawMessage
}

func (s policyStatement) coversCloudWatchPublish(topicARN string) bool {
	return s.principalHasCloudWatch() &&
		anyMatch(s.Action, "sns:publish", true) &&
		anyMatch(s.Resource, topicARN, false)
}

func (s policyStatement) principalHasCloudWatch() bool {
	var star string
	if json.Unmarshal(s.Principal, &star) == nil {
		return star == "*"
	}
	var m map[string]stringOrList
	if json.Unmarshal(s.Principal, &m) != nil {
		return false
	}
	for _, v := range m["Service"] {
		if v == "cloudwatch.amazonaws.com" {
			return true
		}
	}
	for _, v := range m["AWS"] {
		if v == "*" {
			return true
		}
	}
	return false
}

// conditionHarmless accepts the conditions that do not stop a same-account
// alarm from publishing: source owner / source account equal to the
// topic's account (SNS's default policy uses AWS:SourceOwner, which
// CloudWatch alarms of the owner satisfy) and source ARN restrictions to
// CloudWatch alarms. Any other condition (IP, VPC, another account...)
// could block CloudWatch.
func (s policyStatement) conditionHarmless(account string) bool {
	for _, kv := range s.Condition {
		for k, raw := range kv {
			var vals stringOrList
			if json.Unmarshal(raw, &vals) != nil {
				return false
			}
			switch lower(k) {
			case "aws:sourceowner", "aws:sourceaccount":
				if !slices.Contains(vals, account) {
					return false
				}
			case "aws:sourcearn":
				ok := false
				for _, v := range vals {
					ok = ok || v == "*" || strings.Contains(v, ":cloudwatch:")
				}
				if !ok {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = []string{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = ss
	return nil
}

// anyMatch matches IAM-style values with * and ? wildcards.
func anyMatch(values []string, want string, fold bool) bool {
	for _, v := range values {
		if fold {
			v = lower(v)
		}
		if wildcardMatch(v, want) {
			return true
		}
	}
	return false
}

func wildcardMatch(pattern, s string) bool {
	// Iterative glob with backtracking to the last star.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// topicAccount is the account field of a topic ARN.
func topicAccount(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) < 6 {
		return ""
	}
	return p[4]
}

// hasRootwatchStatement reports whether the policy already carries the
// statement MergeTopicPolicy adds.
func hasRootwatchStatement(policy string) bool {
	return strings.Contains(policy, `"`+PolicySid+`"`)
}
