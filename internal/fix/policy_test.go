package fix

import (
	"encoding/json"
	"strings"
	"testing"
)

const testTopic = "arn:aws:sns:us-east-1:111122223333:alerts"

func TestMergeTopicPolicy(t *testing.T) {
	userStmt := `{"Sid":"AllowOps","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ops"},"Action":"sns:Publish","Resource":"` + testTopic + `"}`
	tests := []struct {
		name      string
		policy    string
		wantSids  []string
		wantError string
	}{
		{name: "empty policy", policy: "", wantSids: []string{PolicySid}},
		{name: "statement list kept", policy: `{"Version":"2012-10-17","Statement":[` + userStmt + `]}`, wantSids: []string{"AllowOps", PolicySid}},
		{name: "single statement object", policy: `{"Version":"2012-10-17","Statement":` + userStmt + `}`, wantSids: []string{"AllowOps", PolicySid}},
		{name: "own statement replaced, not doubled", policy: `{"Statement":[` + userStmt + `,{"Sid":"` + PolicySid + `","Effect":"Allow"}]}`, wantSids: []string{"AllowOps", PolicySid}},
		{name: "not JSON", policy: `{"Statement":`, wantError: "not JSON"},
		{name: "statement of the wrong type", policy: `{"Statement":"x"}`, wantError: "expected an object or a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergeTopicPolicy(tt.policy, testTopic, "111122223333")
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error = %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Statement []struct{ Sid string }
			}
			if err := json.Unmarshal([]byte(got), &doc); err != nil {
				t.Fatalf("merged policy is not JSON: %v\n%s", err, got)
			}
			var sids []string
			for _, s := range doc.Statement {
				sids = append(sids, s.Sid)
			}
			if strings.Join(sids, ",") != strings.Join(tt.wantSids, ",") {
				t.Errorf("statements = %v, want %v", sids, tt.wantSids)
			}
			if !policyAllowsCloudWatch(got, testTopic) {
				t.Errorf("merged policy does not let CloudWatch publish:\n%s", got)
			}
		})
	}
}

func TestPolicyAllowsCloudWatch(t *testing.T) {
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }
	tests := []struct {
		name   string
		policy string
		want   bool
	}{
		{"service principal", stmt(`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` + testTopic + `"}`), true},
		{"service list, wildcard action and resource", stmt(`{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com","cloudwatch.amazonaws.com"]},"Action":"SNS:*","Resource":"*"}`), true},
		{"SNS default policy (owner condition)", newTopicPolicyDefaultOnly(), true},
		{"source account condition of this account", stmt(`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` + testTopic + `","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`), true},
		{"source account of another account", stmt(`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` + testTopic + `","Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}}`), false},
		{"IP condition", stmt(`{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"` + testTopic + `","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), false},
		{"other service", stmt(`{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + testTopic + `"}`), false},
		{"other topic", stmt(`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111122223333:other"}`), false},
		{"subscribe only", stmt(`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Subscribe","Resource":"` + testTopic + `"}`), false},
		{"explicit deny wins", stmt(`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` + testTopic + `"},{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*"}`), false},
		{"empty", "", false},
		{"garbage", "{", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policyAllowsCloudWatch(tt.policy, testTopic); got != tt.want {
				t.Errorf("policyAllowsCloudWatch = %v, want %v\n%s", got, tt.want, tt.policy)
			}
		})
	}
}

// newTopicPolicyDefaultOnly is SNS's default policy for testTopic.
func newTopicPolicyDefaultOnly() string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:Publish"],"Resource":"` + testTopic + `","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`
}

func TestWildcardMatch(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"sns:*", "sns:publish", true}, {"sns:pub?ish", "sns:publish", true},
		{"arn:aws:sns:*:*:alerts", testTopic, true}, {"arn:aws:sns:*:*:other", testTopic, false}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false},
	} {
		if got := wildcardMatch(tt.p, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

func FuzzMergeTopicPolicy(f *testing.F) {
	f.Add(newTopicPolicyDefaultOnly())
	f.Add(`{"Statement":{"Sid":"x"}}`)
	f.Add(``)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, policy string) {
		got, err := MergeTopicPolicy(policy, testTopic, "111122223333")
		if err != nil {
			return
		}
		if !json.Valid([]byte(got)) || !hasRootwatchStatement(got) {
			t.Fatalf("merge of %q gave %q", policy, got)
		}
		// Merging again changes nothing: the statement is replaced, not added.
		again, err := MergeTopicPolicy(got, testTopic, "111122223333")
		if err != nil || again != got {
			t.Fatalf("second merge differs:\n%s\n%s (%v)", got, again, err)
		}
	})
}
