package scan

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/iampolicy"
)

// implied are permissions the scan needs that no interface method names:
// S3 decrypts SSE-KMS log files with the caller's kms:Decrypt, the CLI
// names the caller's account by its alias, and Athena runs a query with
// the caller's rights: the table's definition in the Glue Data Catalog,
// the trail bucket (s3:GetObject, s3:ListBucket, already listed) and the
// workgroup's query results location ("Identity and access management in
// Athena").
var implied = []string{"kms:Decrypt", "iam:ListAccountAliases",
	"glue:GetDatabase", "glue:GetTable", "glue:GetPartitions",
	"s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:PutObject"}

// TestScanPolicyMatchesCalls: docs/iam/scan-policy.json allows exactly
// what the scan sources call.
func TestScanPolicyMatchesCalls(t *testing.T) {
	want := iampolicy.Set(
		iampolicy.Actions("s3", reflect.TypeFor[S3API]()),
		iampolicy.Actions("logs", reflect.TypeFor[LogsAPI]()),
		iampolicy.Actions("cloudtrail", reflect.TypeFor[LookupAPI]()),
		iampolicy.Actions("account", reflect.TypeFor[AccountRegionsAPI]()),
		iampolicy.Actions("cloudtrail", reflect.TypeFor[LakeAPI]()),
		iampolicy.Actions("athena", reflect.TypeFor[AthenaAPI]()),
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
