package scan

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/iampolicy"
)

// implied are permissions the scan needs that no interface method names:
// S3 decrypts SSE-KMS log files with the caller's kms:Decrypt, and the CLI
// names the caller's account by its alias.
var implied = []string{"kms:Decrypt", "iam:ListAccountAliases"}

// TestScanPolicyMatchesCalls: docs/iam/scan-policy.json allows exactly
// what the scan sources call.
func TestScanPolicyMatchesCalls(t *testing.T) {
	want := iampolicy.Set(
		iampolicy.Actions("s3", reflect.TypeFor[S3API]()),
		iampolicy.Actions("logs", reflect.TypeFor[LogsAPI]()),
		iampolicy.Actions("cloudtrail", reflect.TypeFor[LookupAPI]()),
		iampolicy.Actions("account", reflect.TypeFor[AccountRegionsAPI]()),
		iampolicy.Actions("ec2", reflect.TypeFor[RegionsAPI]()),
		implied,
	)
	got, err := iampolicy.ReadActions("../../docs/iam/scan-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/iam/scan-policy.json allows\n  %v\nthe code calls\n  %v", got, want)
	}
}
