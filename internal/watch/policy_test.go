package watch

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/iampolicy"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// TestWatchPolicyMatchesCalls: docs/iam/watch-policy.json allows exactly
// what the watch service's sources, notifiers and enrichment call
// (--audit-every and --correct add docs/iam/audit-policy.json and
// fix-policy.json).
func TestWatchPolicyMatchesCalls(t *testing.T) {
	want := iampolicy.Set(
		iampolicy.Actions("sqs", reflect.TypeFor[source.SQSAPI]()),
		iampolicy.Actions("s3", reflect.TypeFor[source.S3API]()),
		iampolicy.Actions("logs", reflect.TypeFor[source.LogsAPI]()),
		iampolicy.Actions("sns", reflect.TypeFor[sns.Publisher]()),
		iampolicy.Actions("iam", reflect.TypeFor[enrich.AliasAPI]()),
		iampolicy.Actions("organizations", reflect.TypeFor[enrich.OrgAPI]()),
		iampolicy.Actions("sts", reflect.TypeFor[enrich.IdentityAPI]()),
	)
	got, err := iampolicy.ReadActions("../../docs/iam/watch-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/iam/watch-policy.json allows\n  %v\nthe code calls\n  %v", got, want)
	}
}
