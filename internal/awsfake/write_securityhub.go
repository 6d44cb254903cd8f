package awsfake

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rootwatch/rootwatch/internal/audit/shimport"
)

// SecurityHub is one account's Security Hub in one region. It checks an
// import the way the service does for the default product ARN
// (BatchImportFindings API reference, "Using BatchImportFindings"): 1 to
// 100 findings per call; each finding's ProductArn must be the caller's
// own default product in the client's region and its AwsAccountId the
// caller's account, or that finding fails with the others imported; the
// members the API requires must be present. An update keeps the
// finding's first CreatedAt.
type SecurityHub struct {
	c               *Cloud
	account, region string
}

// SecurityHub returns the account's Security Hub client in region.
func (k Conn) SecurityHub(region string) *SecurityHub {
	return &SecurityHub{k.c, k.account, region}
}

// MaxImportBatch is BatchImportFindings' limit of findings per call.
const MaxImportBatch = 100

var defaultProductARN = regexp.MustCompile(`^arn:([a-z-]+):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)

// BatchImportFindings imports findings.
func (s *SecurityHub) BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, _ ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "securityhub:BatchImportFindings"); err != nil {
		return nil, err
	}
	if s.account == "" {
		return nil, apiError("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	if n := len(in.Findings); n < 1 || n > MaxImportBatch {
		return nil, apiError("InvalidInputException", fmt.Sprintf("Findings must hold 1 to %d findings, got %d", MaxImportBatch, n))
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if s.c.findings == nil {
		s.c.findings = map[string]map[string]shtypes.AwsSecurityFinding{}
	}
	key := s.account + "/" + s.region
	if s.c.findings[key] == nil {
		s.c.findings[key] = map[string]shtypes.AwsSecurityFinding{}
	}
	out := &securityhub.BatchImportFindingsOutput{}
	for _, f := range in.Findings {
		if code, msg := s.refuse(f); code != "" {
			out.FailedFindings = append(out.FailedFindings, shtypes.ImportFindingsError{
				Id: aws.String(aws.ToString(f.Id)), ErrorCode: aws.String(code), ErrorMessage: aws.String(msg),
			})
			continue
		}
		if old, ok := s.c.findings[key][aws.ToString(f.Id)]; ok {
			f.CreatedAt = old.CreatedAt
		}
		s.c.findings[key][aws.ToString(f.Id)] = f
	}
	out.FailedCount = aws.Int32(int32(len(out.FailedFindings)))
	out.SuccessCount = aws.Int32(int32(len(in.Findings) - len(out.FailedFindings)))
	return out, nil
}

func (s *SecurityHub) refuse(f shtypes.AwsSecurityFinding) (code, msg string) {
	var missing []string
	for name, v := range map[string]*string{
		"SchemaVersion": f.SchemaVersion, "Id": f.Id, "ProductArn": f.ProductArn, "GeneratorId": f.GeneratorId,
		"AwsAccountId": f.AwsAccountId, "CreatedAt": f.CreatedAt, "UpdatedAt": f.UpdatedAt,
		"Title": f.Title, "Description": f.Description,
	} {
		if aws.ToString(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(f.Resources) == 0 {
		missing = append(missing, "Resources")
	}
	if len(missing) > 0 {
		return "InvalidInput", "Finding is missing required fields: " + strings.Join(missing, ", ")
	}
	m := defaultProductARN.FindStringSubmatch(aws.ToString(f.ProductArn))
	switch {
	case m == nil:
		return "InvalidProductArn", "Invalid ProductArn " + aws.ToString(f.ProductArn)
	case m[1] != s.c.partition(), m[2] != s.region:
		return "InvalidProductArn", fmt.Sprintf("ProductArn %s is not a product in region %s", aws.ToString(f.ProductArn), s.region)
	case m[3] != s.account || m[4] != s.account:
		return "AccessDeniedException", fmt.Sprintf("Account %s may not import findings for product %s", s.account, aws.ToString(f.ProductArn))
	case aws.ToString(f.AwsAccountId) != s.account:
		return "AccessDeniedException", fmt.Sprintf("Account %s may not import findings for account %s with the default product", s.account, aws.ToString(f.AwsAccountId))
	}
	return "", ""
}

// Findings returns the findings imported into account in region, by Id.
func (c *Cloud) Findings(account, region string) map[string]shtypes.AwsSecurityFinding {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]shtypes.AwsSecurityFinding{}
	for id, f := range c.findings[account+"/"+region] {
		out[id] = f
	}
	return out
}

// ImportDialer is a shimport.Dialer over the fake: the caller's own
// account directly, another through AssumeRole of its
// OrganizationAccountAccessRole as the real dialer does.
type ImportDialer struct {
	d *Dialer
}

var _ shimport.Dialer = ImportDialer{}

// ImportDialer returns a Security Hub import dialer acting as caller.
func (c *Cloud) ImportDialer(caller string) ImportDialer { return ImportDialer{c.Dialer(caller)} }

// SecurityHub implements shimport.Dialer.
func (d ImportDialer) SecurityHub(ctx context.Context, partition, account, region string) (shimport.SecurityHubAPI, error) {
	if account == d.d.Caller {
		return d.d.c.Conn(account).SecurityHub(region), nil
	}
	role := "arn:" + partition + ":iam::" + account + ":role/OrganizationAccountAccessRole"
	out, err := d.d.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("rootwatch-securityhub-import")})
	if err != nil {
		return nil, err
	}
	d.d.c.mu.Lock()
	id := d.d.c.sessions[aws.ToString(out.Credentials.AccessKeyId)]
	d.d.c.mu.Unlock()
	return d.d.c.Conn(id).SecurityHub(region), nil
}
