package fix

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/iampolicy"
)

// iamPrefix maps each narrow interface to its IAM service prefix; an
// interface without an entry fails the test, so the policy cannot drift.
var iamPrefix = map[string]string{
	"CloudTrailAPI": "cloudtrail", "LogsAPI": "logs", "CloudWatchAPI": "cloudwatch", "SNSAPI": "sns",
	"IAMAPI": "iam", "KMSAPI": "kms", "EventBridgeAPI": "events", "AccountAPI": "account",
	"EC2API": "ec2", "OrganizationsAPI": "organizations", "STSAPI": "sts", "SchedulerAPI": "scheduler",
}

// impliedActions are permissions AWS checks on top of the call's own:
// each is needed by a call fix makes, for the reason given.
var impliedActions = map[string]string{
	"sns:TagResource":        "CreateTopic with Tags",
	"cloudwatch:TagResource": "PutMetricAlarm with Tags",
	"logs:TagResource":       "CreateLogGroup with Tags",
	"iam:TagRole":            "CreateRole with Tags",
	"iam:PassRole":           "UpdateTrail with CloudWatchLogsRoleArn, CreateSchedule with Target.RoleArn",
}

// TestFixPolicyMatchesCalls: docs/iam/fix-policy.json allows exactly what
// fix, backout and verify call: the audit's reads (fix audits first), the
// write interfaces of this package, and the permissions AWS implies.
func TestFixPolicyMatchesCalls(t *testing.T) {
	called, err := iampolicy.Reached(iamPrefix, reflect.TypeFor[awsread.Conn](), reflect.TypeFor[awsread.Dialer](), reflect.TypeFor[Conn]())
	if err != nil {
		t.Fatal(err)
	}
	// The write dialer assumes --role-name in other accounts.
	want := iampolicy.Set(called, []string{"sts:AssumeRole"}, slices.Collect(maps.Keys(impliedActions)))

	got, err := iampolicy.ReadActions("../../docs/iam/fix-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/iam/fix-policy.json actions\n  %v\nwant exactly\n  %v", got, want)
	}
}
