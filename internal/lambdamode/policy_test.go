package lambdamode

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/iampolicy"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
)

// runtimeOnly are actions the Lambda runtime (not our code) needs.
var runtimeOnly = []string{"logs:CreateLogStream", "logs:PutLogEvents"}

// TestLambdaPolicyMatchesCalls: docs/iam/lambda-policy.json allows exactly
// what the handler calls, plus the runtime's own log writes.
func TestLambdaPolicyMatchesCalls(t *testing.T) {
	want := iampolicy.Set(
		iampolicy.Actions("sns", reflect.TypeFor[sns.Publisher]()),
		iampolicy.Actions("s3", reflect.TypeFor[S3API]()),
		iampolicy.Actions("ssm", reflect.TypeFor[SSMAPI]()),
		iampolicy.Actions("iam", reflect.TypeFor[enrich.AliasAPI]()),
		iampolicy.Actions("organizations", reflect.TypeFor[enrich.OrgAPI]()),
		iampolicy.Actions("sts", reflect.TypeFor[enrich.IdentityAPI]()),
		runtimeOnly,
	)
	got, err := iampolicy.ReadActions("../../docs/iam/lambda-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/iam/lambda-policy.json allows\n  %v\nthe code calls\n  %v", got, want)
	}
}
