package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

type scanFakeLake struct {
	events []string
	sql    string
}

func (f *scanFakeLake) StartQuery(_ context.Context, in *cloudtrail.StartQueryInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.StartQueryOutput, error) {
	f.sql = aws.ToString(in.QueryStatement)
	return &cloudtrail.StartQueryOutput{QueryId: aws.String("q")}, nil
}

func (f *scanFakeLake) DescribeQuery(context.Context, *cloudtrail.DescribeQueryInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeQueryOutput, error) {
	return &cloudtrail.DescribeQueryOutput{QueryStatus: cttypes.QueryStatusFinished}, nil
}

func (f *scanFakeLake) GetQueryResults(context.Context, *cloudtrail.GetQueryResultsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetQueryResultsOutput, error) {
	out := &cloudtrail.GetQueryResultsOutput{QueryStatus: cttypes.QueryStatusFinished}
	for _, e := range f.events {
		out.QueryResultRows = append(out.QueryResultRows, []map[string]string{{"rootwatch_match": "true"}, {"eventjson": e}})
	}
	return out, nil
}

// lake:// through the command: the window reaches the query, the record
// reaches the report.
func TestScanLakeSource(t *testing.T) {
	ev := `{"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root"},"eventTime":"2026-11-29T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","eventType":"AwsConsoleSignIn","eventID":"e1","recipientAccountId":"111122223333"}`
	lake := &scanFakeLake{events: []string{ev}}
	f, out, _ := newScanTestFactory("")
	opts := &scanOptions{Out: f.Out, ErrOut: f.ErrOut, Now: f.Now, Sources: []string{"lake://eds-0001"}, Pattern: cis.RootUsagePattern,
		Format: "table", FailOn: "findings", Since: "2026-11-01",
		Clients: func(context.Context) (scanClients, error) { return scanClients{Lake: lake}, nil }}
	err := scanRun(context.Background(), opts)
	if exitcode.From(err) != exitcode.Findings {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "ConsoleLogin") || !strings.Contains(lake.sql, "eventtime >= '2026-10-31 23:59:59'") {
		t.Errorf("out:\n%s\nsql: %s", out, lake.sql)
	}
}

func TestScanSQLSourceUsage(t *testing.T) {
	for _, src := range []string{"athena://", "athena://wg/nodot", "athena://wg/db.t?partition=x", "athena://wg/db.t?partition=ymd&x=1%", "lake://", "lake://a;b"} {
		f, _, _ := newScanTestFactory("")
		opts := &scanOptions{Out: f.Out, ErrOut: f.ErrOut, Now: f.Now, Sources: []string{src}, Pattern: cis.RootUsagePattern, Format: "table", FailOn: "findings",
			Clients: func(context.Context) (scanClients, error) { return scanClients{}, nil }}
		if err := scanRun(context.Background(), opts); exitcode.From(err) != exitcode.Usage {
			t.Errorf("%s: %v, want a usage error", src, err)
		}
	}
}
