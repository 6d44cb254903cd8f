package shimport_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/rootwatch/rootwatch/internal/audit/shimport"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/iampolicy"
)

func TestImportPolicyMatchesCalls(t *testing.T) {
	inPolicy, err := iampolicy.ReadActions("../../../docs/iam/audit-import-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	want := iampolicy.Set(
		iampolicy.Actions("securityhub", reflect.TypeFor[shimport.SecurityHubAPI]()),
		iampolicy.Actions("sts", reflect.TypeFor[shimport.STSAPI]()),
	)
	if !slices.Equal(inPolicy, want) {
		t.Errorf("docs/iam/audit-import-policy.json actions %v, want %v", inPolicy, want)
	}
}

func finding(account, region string, i int) types.AwsSecurityFinding {
	return types.AwsSecurityFinding{
		SchemaVersion: aws.String("2018-10-08"), Id: aws.String(fmt.Sprintf("f/%s/%s/%d", account, region, i)),
		ProductArn:  aws.String("arn:aws:securityhub:" + region + ":" + account + ":product/" + account + "/default"),
		GeneratorId: aws.String("g"), AwsAccountId: aws.String(account),
		CreatedAt: aws.String("2026-12-01T00:00:00Z"), UpdatedAt: aws.String("2026-12-01T00:00:00Z"),
		Title: aws.String("t"), Description: aws.String("d"),
		Resources: []types.Resource{{Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:" + account)}},
	}
}

// Findings go to their own account and region, 100 at a time; a member
// whose role cannot be assumed and a finding Security Hub refuses are
// reported while the rest are imported.
func TestImportThroughTheFake(t *testing.T) {
	c := awsfake.New()
	c.AddAccount("111111111111", "management")
	c.AddAccount("222222222222", "member")
	var fs []types.AwsSecurityFinding
	for i := range 250 {
		fs = append(fs, finding("111111111111", "eu-west-1", i))
	}
	fs = append(fs, finding("222222222222", "us-east-1", 0), finding("333333333333", "us-east-1", 0))
	bad := finding("111111111111", "eu-west-1", 999)
	bad.AwsAccountId = aws.String("222222222222") // the old --org fault
	bad.ProductArn = aws.String("arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default")
	fs = append(fs, bad)

	res, err := shimport.Import(context.Background(), c.ImportDialer("111111111111"), fs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 251 {
		t.Errorf("imported %d, want 251", res.Imported)
	}
	if got := len(c.Findings("111111111111", "eu-west-1")); got != 250 {
		t.Errorf("management eu-west-1 holds %d findings", got)
	}
	if got := len(c.Findings("222222222222", "us-east-1")); got != 1 {
		t.Errorf("member us-east-1 holds %d findings (sent through the assumed role)", got)
	}
	// 250 in 3 batches; the member's finding; the mislabelled one, sent
	// as the account it names, whose Security Hub refuses its ProductArn.
	if got := c.Calls("securityhub:BatchImportFindings"); got != 5 {
		t.Errorf("%d calls, want 5", got)
	}
	msg := res.Err().Error()
	for _, want := range []string{"333333333333", "AccessDenied", "f/111111111111/eu-west-1/999"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure report lacks %q:\n%s", want, msg)
		}
	}
}

type refuse struct{}

func (refuse) SecurityHub(context.Context, string, string, string) (shimport.SecurityHubAPI, error) {
	return nil, errors.New("no")
}

func TestImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := shimport.Import(ctx, refuse{}, []types.AwsSecurityFinding{finding("111111111111", "eu-west-1", 0)}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
