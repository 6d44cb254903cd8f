package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// hasRootwatchStatement reports whether the policy already carries the
// statement MergeTopicPolicy adds.
func hasRootwatchStatement(policy string) bool {
	return strings.Contains(policy, `"`+PolicySid+`"`)
}
