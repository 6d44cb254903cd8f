// Package shimport sends audit findings to AWS Security Hub with
// BatchImportFindings.
//
// With the default product ARN Security Hub accepts a finding only from
// the account it names and in the region of its ProductArn
// (BatchImportFindings API reference), so findings are grouped by account
// and region and each group is sent as that account: with the caller's
// own credentials for its own account, through the assumed role for a
// member of an organization. A call takes at most 100 findings.
package shimport

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

// SecurityHubAPI is the one Security Hub call the import makes. The IAM
// policy docs/iam/audit-import-policy.json is checked against it.
type SecurityHubAPI interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

// Dialer opens Security Hub acting as an account in a region of a
// partition (the partition names the role to assume in a member).
type Dialer interface {
	SecurityHub(ctx context.Context, partition, account, region string) (SecurityHubAPI, error)
}

// BatchSize is BatchImportFindings' maximum number of findings per call.
const BatchSize = 100

// Failure is a finding Security Hub did not take, and why.
type Failure struct {
	Account, Region, ID, Code, Message string
}

func (f Failure) String() string {
	return fmt.Sprintf("%s %s %s: %s: %s", f.Account, f.Region, f.ID, f.Code, f.Message)
}

// Result counts what was imported.
type Result struct {
	Imported int
	Failed   []Failure
}

// Err is nil when every finding was imported, else an error naming the
// first failures.
func (r Result) Err() error {
	if len(r.Failed) == 0 {
		return nil
	}
	var lines []string
	for i, f := range r.Failed {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("... and %d more", len(r.Failed)-i))
			break
		}
		lines = append(lines, f.String())
	}
	return fmt.Errorf("import into Security Hub: %d finding(s) refused (%d imported):\n  %s", len(r.Failed), r.Imported, strings.Join(lines, "\n  "))
}

// Import sends findings, grouped by account and region, in batches of
// BatchSize. A group that cannot be sent (the role cannot be assumed,
// the call is denied) fails its findings and the others go on; only a
// cancelled context stops it.
func Import(ctx context.Context, d Dialer, findings []types.AwsSecurityFinding) (Result, error) {
	groups := map[[3]string][]types.AwsSecurityFinding{}
	var res Result
	for _, f := range findings {
		partition, region, err := productRegion(aws.ToString(f.ProductArn))
		if err != nil {
			res.Failed = append(res.Failed, Failure{Account: aws.ToString(f.AwsAccountId), ID: aws.ToString(f.Id), Code: "InvalidProductArn", Message: err.Error()})
			continue
		}
		k := [3]string{aws.ToString(f.AwsAccountId), region, partition}
		groups[k] = append(groups[k], f)
	}
	keys := make([][3]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"/"+keys[i][1] < keys[j][0]+"/"+keys[j][1] })
	for _, k := range keys {
		account, region, partition := k[0], k[1], k[2]
		fs := groups[k]
		failAll := func(batch []types.AwsSecurityFinding, err error) {
			code, msg := "Error", err.Error()
			var ae smithy.APIError
			if errors.As(err, &ae) {
				code, msg = ae.ErrorCode(), ae.ErrorMessage()
			}
			for _, f := range batch {
				res.Failed = append(res.Failed, Failure{Account: account, Region: region, ID: aws.ToString(f.Id), Code: code, Message: msg})
			}
		}
		client, err := d.SecurityHub(ctx, partition, account, region)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			failAll(fs, err)
			continue
		}
		for lo := 0; lo < len(fs); lo += BatchSize {
			batch := fs[lo:min(lo+BatchSize, len(fs))]
			out, err := client.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: batch})
			if err != nil {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				failAll(batch, err)
				continue
			}
			res.Imported += int(aws.ToInt32(out.SuccessCount))
			for _, e := range out.FailedFindings {
				res.Failed = append(res.Failed, Failure{Account: account, Region: region, ID: aws.ToString(e.Id), Code: aws.ToString(e.ErrorCode), Message: aws.ToString(e.ErrorMessage)})
			}
			// FailedCount without the list still fails the run.
			if n := int(aws.ToInt32(out.FailedCount)); n > len(out.FailedFindings) {
				res.Failed = append(res.Failed, Failure{Account: account, Region: region, Code: "Unknown",
					Message: fmt.Sprintf("%d finding(s) failed without detail", n-len(out.FailedFindings))})
			}
		}
	}
	return res, nil
}

// productRegion is the partition and region of a ProductArn: where the
// finding must be sent.
func productRegion(arn string) (partition, region string, err error) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] != "securityhub" || p[3] == "" {
		return "", "", fmt.Errorf("%q is not a Security Hub product ARN", arn)
	}
	return p[1], p[3], nil
}
