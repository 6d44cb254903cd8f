package awsread

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"
)

// iamPrefix maps each narrow interface to its IAM service prefix. A new
// interface without an entry fails the test, so the policy cannot drift.
var iamPrefix = map[string]string{
	"CloudTrailAPI": "cloudtrail", "LogsAPI": "logs", "CloudWatchAPI": "cloudwatch",
	"SNSAPI": "sns", "KMSAPI": "kms", "EventBridgeAPI": "events", "AccountAPI": "account",
	"EC2API": "ec2", "OrganizationsAPI": "organizations", "STSAPI": "sts",
}

// calledActions derives every IAM action the collector can call from the
// interfaces Conn and Dialer hand out.
func calledActions(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, root := range []reflect.Type{reflect.TypeFor[Conn](), reflect.TypeFor[Dialer]()} {
		for m := range root.Methods() {
			out := m.Type.Out(0)
			if out.Kind() != reflect.Interface || out.Name() == "Conn" {
				continue
			}
			prefix, ok := iamPrefix[out.Name()]
			if !ok {
				t.Fatalf("interface %s has no IAM prefix in iamPrefix", out.Name())
			}
			for api := range out.Methods() {
				seen[prefix+":"+api.Name] = true
			}
		}
	}
	var actions []string
	for a := range seen {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	return actions
}

func TestAuditPolicyMatchesCalls(t *testing.T) {
	b, err := os.ReadFile("../../docs/iam/audit-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Effect string
			Action json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docs/iam/audit-policy.json: %v", err)
	}
	var inPolicy []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement with Effect %q: the audit policy only allows", s.Effect)
		}
		var list []string
		if json.Unmarshal(s.Action, &list) != nil {
			var one string
			if err := json.Unmarshal(s.Action, &one); err != nil {
				t.Fatalf("Action %s: %v", s.Action, err)
			}
			list = []string{one}
		}
		for _, a := range list {
			if !slices.Contains(inPolicy, a) {
				inPolicy = append(inPolicy, a)
			}
		}
	}
	sort.Strings(inPolicy)
	want := calledActions(t)
	if !slices.Equal(inPolicy, want) {
		t.Errorf("docs/iam/audit-policy.json actions\n  %v\nwant exactly the calls the collector makes\n  %v", inPolicy, want)
	}
}
