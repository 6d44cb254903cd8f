package awsread

import (
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/rootwatch/rootwatch/internal/iampolicy"
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
	inPolicy, err := iampolicy.ReadActions("../../docs/iam/audit-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	want := calledActions(t)
	if !slices.Equal(inPolicy, want) {
		t.Errorf("docs/iam/audit-policy.json actions\n  %v\nwant exactly the calls the collector makes\n  %v", inPolicy, want)
	}
}
