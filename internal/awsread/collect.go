package awsread

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// DefaultRoleName is the role AWS Organizations creates in accounts it
// creates; Control Tower users pass AWSControlTowerExecution.
const DefaultRoleName = "OrganizationAccountAccessRole"

// Options tune a collection.
type Options struct {
	// Regions to read; empty means every region enabled in each account.
	Regions []string
	// DefaultRegion is used for region discovery; empty means us-east-1.
	DefaultRegion string
	// Org reads every account of the organization.
	Org bool
	// OUs reads each account's organizational units (with Org), for
	// policies that name an OU; it costs organizations:ListParents calls.
	OUs bool
	// RoleName is assumed in member accounts; empty means DefaultRoleName.
	RoleName string
	// Concurrency bounds accounts read at once; 0 means 16.
	Concurrency int
	// RegionConcurrency bounds reads at once within an account; 0 means
	// 17, every default region at once (regional endpoints throttle
	// independently).
	RegionConcurrency int
	Retry             Retry
	// Progress, if set, is called after each account (serialised).
	Progress func(done, total int, account string)
	// Now stamps the snapshot; nil means time.Now.
	Now func() time.Time
}

func (o Options) roleName() string {
	if o.RoleName == "" {
		return DefaultRoleName
	}
	return o.RoleName
}

func (o Options) defaultRegion() string {
	if o.DefaultRegion == "" {
		return "us-east-1"
	}
	return o.DefaultRegion
}

// Collect reads a snapshot. It fails only when it cannot tell whose
// account it runs in or, with Org, cannot list the organization; every
// other failure is recorded in the snapshot.
func Collect(ctx context.Context, d Dialer, o Options) (*inventory.Snapshot, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	id, err := do(ctx, o.Retry, "sts:GetCallerIdentity", func(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
		return d.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	})
	if err != nil {
		return nil, fmt.Errorf("identify the caller: %w", err)
	}
	caller := aws.ToString(id.Account)
	snap := &inventory.Snapshot{CollectedAt: now().UTC(), Caller: caller}
	partition := "aws"
	if a, err := inventory.ParseARN(aws.ToString(id.Arn)); err == nil && a.Partition != "" {
		partition = a.Partition
	}

	accounts := []inventory.Account{{ID: caller, Status: inventory.StatusActive}}
	if o.Org {
		snap.Organization = true
		org, err := do(ctx, o.Retry, "organizations:DescribeOrganization", func(ctx context.Context) (*organizations.DescribeOrganizationOutput, error) {
			return d.Organizations().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		})
		if err != nil {
			return nil, fmt.Errorf("describe the organization: %w", err)
		}
		if org.Organization != nil {
			snap.ManagementAccount = aws.ToString(org.Organization.MasterAccountId)
		}
		if accounts, err = listAccounts(ctx, d.Organizations(), o.Retry); err != nil {
			return nil, fmt.Errorf("list the organization's accounts (run --org from the management account or a delegated administrator): %w", err)
		}
		if o.OUs {
			readOUs(ctx, d.Organizations(), o.Retry, accounts)
		}
	}
	snap.Accounts = accounts

	var (
		mu   sync.Mutex
		done int
	)
	g, gctx := errgroup.WithContext(ctx)
	limit := o.Concurrency
	if limit <= 0 {
		limit = 16
	}
	g.SetLimit(limit)
	for i := range snap.Accounts {
		g.Go(func() error {
			a := &snap.Accounts[i]
			collectAccount(gctx, d, caller, partition, a, o)
			if o.Progress != nil {
				mu.Lock()
				done++
				o.Progress(done, len(snap.Accounts), a.ID)
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait() // workers record errors in the snapshot and never fail
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	return snap, nil
}

func listAccounts(ctx context.Context, org OrganizationsAPI, r Retry) ([]inventory.Account, error) {
	var out []inventory.Account
	var token *string
	for {
		page, err := do(ctx, r, "organizations:ListAccounts", func(ctx context.Context) (*organizations.ListAccountsOutput, error) {
			return org.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: token})
		})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			st := string(a.State)
			if st == "" {
				st = string(a.Status)
			}
			out = append(out, inventory.Account{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Status: st})
		}
		if token = page.NextToken; token == nil || *token == "" {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// collectAccount fills a in place; it never fails, it records.
func collectAccount(ctx context.Context, d Dialer, caller, partition string, a *inventory.Account, o Options) {
	if a.Status != "" && a.Status != inventory.StatusActive {
		a.Skipped = "account is " + a.Status
		return
	}
	conn := d.Self()
	if a.ID != caller {
		role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, a.ID, o.roleName())
		out, err := do(ctx, o.Retry, "sts:AssumeRole", func(ctx context.Context) (*sts.AssumeRoleOutput, error) {
			return d.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("rootwatch-audit")})
		})
		if err != nil {
			re := readErr(err)
			re.Message = fmt.Sprintf("assume %s: %s", role, re.Message)
			a.Error = re
			return
		}
		c := out.Credentials
		conn = d.Assumed(Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)})
	}
	(&accountReader{conn: conn, o: o, a: a}).read(ctx)
}
