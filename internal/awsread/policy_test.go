package awsread

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/iampolicy"
)

// iamPrefix maps each narrow interface to its IAM service prefix. A new
// interface without an entry fails the test, so the policy cannot drift.
var iamPrefix = map[string]string{
	"CloudTrailAPI": "cloudtrail", "LogsAPI": "logs", "CloudWatchAPI": "cloudwatch",
	"SNSAPI": "sns", "KMSAPI": "kms", "EventBridgeAPI": "events", "AccountAPI": "account",
	"EC2API": "ec2", "OrganizationsAPI": "organizations", "STSAPI": "sts", "SchedulerAPI": "scheduler",
}

func TestAuditPolicyMatchesCalls(t *testing.T) {
	inPolicy, err := iampolicy.ReadActions("../../docs/iam/audit-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := iampolicy.Reached(iamPrefix, reflect.TypeFor[Conn](), reflect.TypeFor[Dialer]())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(inPolicy, want) {
		t.Errorf("docs/iam/audit-policy.json actions\n  %v\nwant exactly the calls the collector makes\n  %v", inPolicy, want)
	}
}
