package awsfake

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// AccountClient is the fake AWS Account Management client.
type AccountClient struct {
	c       *Cloud
	account string
}

var _ awsread.AccountAPI = (*AccountClient)(nil)

// ListRegions implements awsread.AccountAPI.
func (x *AccountClient) ListRegions(ctx context.Context, in *account.ListRegionsInput, _ ...func(*account.Options)) (*account.ListRegionsOutput, error) {
	if err := x.c.call(ctx, x.account, "", "account:ListRegions"); err != nil {
		return nil, err
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	var regions []accttypes.Region
	for _, r := range a.Regions {
		regions = append(regions, accttypes.Region{RegionName: aws.String(r), RegionOptStatus: accttypes.RegionOptStatusEnabledByDefault})
	}
	lo, hi, next, err := x.c.page(len(regions), in.NextToken, int(aws.ToInt32(in.MaxResults)))
	if err != nil {
		return nil, err
	}
	return &account.ListRegionsOutput{Regions: regions[lo:hi], NextToken: next}, nil
}

// EC2 is the fake EC2 client (region discovery only).
type EC2 struct {
	c               *Cloud
	account, region string
}

var _ awsread.EC2API = (*EC2)(nil)

// DescribeRegions implements awsread.EC2API: enabled regions only.
func (x *EC2) DescribeRegions(ctx context.Context, _ *ec2.DescribeRegionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	if err := x.c.call(ctx, x.account, x.region, "ec2:DescribeRegions"); err != nil {
		return nil, err
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeRegionsOutput{}
	for _, r := range a.Regions {
		out.Regions = append(out.Regions, ec2types.Region{RegionName: aws.String(r), OptInStatus: aws.String("opt-in-not-required")})
	}
	return out, nil
}

// Organizations is the fake AWS Organizations client.
type Organizations struct {
	c       *Cloud
	account string
}

var _ awsread.OrganizationsAPI = (*Organizations)(nil)

func (o *Organizations) check() error {
	if o.c.Org == nil {
		return apiError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if o.account != o.c.Org.ManagementAccount {
		return apiError("AccessDeniedException", "You don't have permissions to access this resource.")
	}
	return nil
}

// DescribeOrganization implements awsread.OrganizationsAPI.
func (o *Organizations) DescribeOrganization(ctx context.Context, _ *organizations.DescribeOrganizationInput, _ ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	if err := o.c.call(ctx, o.account, "", "organizations:DescribeOrganization"); err != nil {
		return nil, err
	}
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	if o.c.Org == nil {
		return nil, apiError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{
		Id: aws.String(o.c.Org.ID), MasterAccountId: aws.String(o.c.Org.ManagementAccount),
	}}, nil
}

// ListAccounts implements awsread.OrganizationsAPI (management account only).
func (o *Organizations) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	if err := o.c.call(ctx, o.account, "", "organizations:ListAccounts"); err != nil {
		return nil, err
	}
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	if err := o.check(); err != nil {
		return nil, err
	}
	var accts []orgtypes.Account
	for _, id := range sortedKeys(o.c.Accounts) {
		a := o.c.Accounts[id]
		st := a.Status
		if st == "" {
			st = inventory.StatusActive
		}
		accts = append(accts, orgtypes.Account{
			Id: aws.String(id), Name: aws.String(a.Name), Email: aws.String(a.Email),
			Arn:    aws.String(fmt.Sprintf("arn:%s:organizations::%s:account/%s/%s", o.c.partition(), o.c.Org.ManagementAccount, o.c.Org.ID, id)),
			Status: orgtypes.AccountStatus(st), State: orgtypes.AccountState(st),
		})
	}
	lo, hi, next, err := o.c.page(len(accts), in.NextToken, int(aws.ToInt32(in.MaxResults)))
	if err != nil {
		return nil, err
	}
	return &organizations.ListAccountsOutput{Accounts: accts[lo:hi], NextToken: next}, nil
}

// ListParents implements awsread.OrganizationsAPI (management account
// only): the one parent of an account or OU.
func (o *Organizations) ListParents(ctx context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	if err := o.c.call(ctx, o.account, "", "organizations:ListParents"); err != nil {
		return nil, err
	}
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	if err := o.check(); err != nil {
		return nil, err
	}
	child := aws.ToString(in.ChildId)
	parent, placed := o.c.Org.Parent[child]
	_, isAccount := o.c.Accounts[child]
	if !placed && !isAccount && !o.c.hasChildren(child) {
		return nil, apiError("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	}
	if !placed {
		parent = o.c.Org.Root()
	}
	typ := orgtypes.ParentTypeOrganizationalUnit
	if parent == o.c.Org.Root() {
		typ = orgtypes.ParentTypeRoot
	}
	return &organizations.ListParentsOutput{Parents: []orgtypes.Parent{{Id: aws.String(parent), Type: typ}}}, nil
}

// hasChildren reports whether id is an OU something sits under.
func (c *Cloud) hasChildren(id string) bool {
	for _, p := range c.Org.Parent {
		if p == id {
			return true
		}
	}
	return false
}

// STS is the fake STS client of the caller.
type STS struct {
	c       *Cloud
	account string
}

var _ awsread.STSAPI = (*STS)(nil)

// GetCallerIdentity implements awsread.STSAPI.
func (s *STS) GetCallerIdentity(ctx context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if err := s.c.call(ctx, s.account, "", "sts:GetCallerIdentity"); err != nil {
		return nil, err
	}
	return &sts.GetCallerIdentityOutput{
		Account: aws.String(s.account),
		Arn:     aws.String(fmt.Sprintf("arn:%s:sts::%s:assumed-role/auditor/session", s.c.partition(), s.account)),
		UserId:  aws.String("AROAEXAMPLE:session"),
	}, nil
}

// AssumeRole implements awsread.STSAPI: the role must exist in the
// target account, which must be active.
func (s *STS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if err := s.c.call(ctx, s.account, "", "sts:AssumeRole"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	roleARN := aws.ToString(in.RoleArn)
	denied := apiError("AccessDenied", fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/auditor/session is not authorized to perform: sts:AssumeRole on resource: %s", s.account, roleARN))
	p, err := inventory.ParseARN(roleARN)
	if err != nil || p.Service != "iam" || !strings.HasPrefix(p.Resource, "role/") {
		return nil, apiError("ValidationError", "invalid RoleArn "+roleARN)
	}
	a, ok := s.c.Accounts[p.Account]
	if !ok || !a.Roles[strings.TrimPrefix(p.Resource, "role/")] || (a.Status != "" && a.Status != inventory.StatusActive) {
		return nil, denied
	}
	s.c.nextKey++
	key := fmt.Sprintf("ASIAFAKE%012d", s.c.nextKey)
	s.c.sessions[key] = p.Account
	exp := time.Now().Add(time.Hour)
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String(key), SecretAccessKey: aws.String("fake-secret"), SessionToken: aws.String("fake-token"), Expiration: &exp,
	}}, nil
}
