package awsemu_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsemu"
)

func shFinding(account, region string, i int) types.AwsSecurityFinding {
	return types.AwsSecurityFinding{
		SchemaVersion: aws.String("2018-10-08"), Id: aws.String(fmt.Sprintf("f/%d", i)),
		ProductArn:  aws.String("arn:aws:securityhub:" + region + ":" + account + ":product/" + account + "/default"),
		GeneratorId: aws.String("g"), AwsAccountId: aws.String(account),
		CreatedAt: aws.String("2026-12-01T00:00:00Z"), UpdatedAt: aws.String("2026-12-01T00:00:00Z"),
		Title: aws.String("t"), Description: aws.String("d"),
		Resources:     []types.Resource{{Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:" + account), Partition: types.PartitionAws, Region: aws.String(region)}},
		ProductFields: map[string]string{"ProviderName": "rootwatch"},
		Compliance:    &types.Compliance{Status: types.ComplianceStatusFailed},
	}
}

// Security Hub's BatchImportFindings over restJson1: findings reach the
// model member for member; more than 100 in a call is refused; a finding
// whose ProductArn names another region or account fails alone.
func TestSecurityHubImport(t *testing.T) {
	c := newCloud()
	client := securityhub.NewFromConfig(config(start(t, awsemu.New(c)), "AKIA"+mgmt))
	ctx := context.Background()

	wrongRegion := shFinding(mgmt, "us-east-1", 1)
	otherAccount := shFinding(member, home, 2)
	out, err := client.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{shFinding(mgmt, home, 0), wrongRegion, otherAccount}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.SuccessCount) != 1 || aws.ToInt32(out.FailedCount) != 2 || len(out.FailedFindings) != 2 {
		t.Fatalf("success %d failed %d %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
	got := c.Findings(mgmt, home)["f/0"]
	if got.Compliance == nil || got.Compliance.Status != types.ComplianceStatusFailed || got.ProductFields["ProviderName"] != "rootwatch" ||
		got.Resources[0].Partition != types.PartitionAws {
		t.Errorf("finding did not reach the model whole: %+v", got)
	}

	var many []types.AwsSecurityFinding
	for i := range 101 {
		many = append(many, shFinding(mgmt, home, i))
	}
	_, err = client.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: many})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidInputException" {
		t.Errorf("101 findings: err = %v, want InvalidInputException", err)
	}
}
