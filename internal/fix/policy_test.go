package fix

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/audit"
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
			if ok, why := audit.CloudWatchMayPublish(got, testTopic, "arn:aws:cloudwatch:us-east-1:111122223333:alarm:RootAccountUsage", "111122223333"); !ok {
				t.Errorf("audit says CloudWatch may not publish (%s):\n%s", why, got)
			}
		})
	}
}

// newTopicPolicyDefaultOnly is SNS's default policy for testTopic.
func newTopicPolicyDefaultOnly() string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:Publish"],"Resource":"` + testTopic + `","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`
}

// TestNewTopicPolicyPassesAudit: the policy a new topic gets is one the
// audit accepts, and only for alarms of the topic's own account.
func TestNewTopicPolicyPassesAudit(t *testing.T) {
	p := newTopicPolicy(testTopic, "111122223333")
	if ok, why := audit.CloudWatchMayPublish(p, testTopic, "arn:aws:cloudwatch:us-east-1:111122223333:alarm:RootAccountUsage", "111122223333"); !ok {
		t.Fatalf("audit refuses the new topic policy: %s\n%s", why, p)
	}
	if ok, _ := audit.CloudWatchMayPublish(p, testTopic, "arn:aws:cloudwatch:us-east-1:999999999999:alarm:X", "999999999999"); ok {
		t.Fatal("another account's alarms may publish")
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
