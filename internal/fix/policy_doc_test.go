package fix

import (
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/iampolicy"
)

// iamPrefix maps each narrow interface to its IAM service prefix; an
// interface without an entry fails the test, so the policy cannot drift.
var iamPrefix = map[string]string{
	"CloudTrailAPI": "cloudtrail", "LogsAPI": "logs", "CloudWatchAPI": "cloudwatch", "SNSAPI": "sns",
	"IAMAPI": "iam", "KMSAPI": "kms", "EventBridgeAPI": "events", "AccountAPI": "account",
	"EC2API": "ec2", "OrganizationsAPI": "organizations", "STSAPI": "sts",
}

// impliedActions are permissions AWS checks on top of the call's own:
// each is needed by a call fix makes, for the reason given.
var impliedActions = map[string]string{
	"sns:TagResource":        "CreateTopic with Tags",
	"cloudwatch:TagResource": "PutMetricAlarm with Tags",
	"logs:TagResource":       "CreateLogGroup with Tags",
	"iam:TagRole":            "CreateRole with Tags",
	"iam:PassRole":           "UpdateTrail with CloudWatchLogsRoleArn",
}

// methodsOf adds prefix:Method for every interface a root hands out.
func methodsOf(t *testing.T, seen map[string]bool, roots ...reflect.Type) {
	t.Helper()
	for _, root := range roots {
		for m := range root.Methods() {
			out := m.Type.Out(0)
			if out.Kind() != reflect.Interface || out.Name() == "Conn" || out.Name() == "error" {
				continue
			}
			prefix, ok := iamPrefix[out.Name()]
			if !ok {
				t.Fatalf("interface %s has no IAM prefix", out.Name())
			}
			for api := range out.Methods() {
				seen[prefix+":"+api.Name] = true
			}
		}
	}
}

// TestFixPolicyMatchesCalls: docs/iam/fix-policy.json allows exactly what
// fix, backout and verify call: the audit's reads (fix audits first), the
// write interfaces of this package, and the permissions AWS implies.
func TestFixPolicyMatchesCalls(t *testing.T) {
	seen := map[string]bool{"sts:AssumeRole": true} // the write dialer assumes --role-name in other accounts
	methodsOf(t, seen, reflect.TypeFor[awsread.Conn](), reflect.TypeFor[awsread.Dialer](), reflect.TypeFor[Conn]())
	for a := range impliedActions {
		seen[a] = true
	}
	var want []string
	for a := range seen {
		want = append(want, a)
	}
	sort.Strings(want)

	got, err := iampolicy.ReadActions("../../docs/iam/fix-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/iam/fix-policy.json actions\n  %v\nwant exactly\n  %v", got, want)
	}
}
