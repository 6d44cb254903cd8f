package shimport

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STSAPI assumes the role in member accounts.
type STSAPI interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

var (
	_ SecurityHubAPI = (*securityhub.Client)(nil)
	_ STSAPI         = (*sts.Client)(nil)
)

// SDKDialer opens Security Hub clients over the AWS SDK: with cfg's own
// credentials in the caller's account, and through RoleName (the role
// audit --org reads members with) in any other.
type SDKDialer struct {
	cfg      aws.Config
	sts      STSAPI
	caller   string
	roleName string

	mu    sync.Mutex
	creds map[string]aws.CredentialsProvider // account -> assumed role
}

// NewSDKDialer returns a dialer acting as caller with cfg.
func NewSDKDialer(cfg aws.Config, caller, roleName string) *SDKDialer {
	return &SDKDialer{cfg: cfg, sts: sts.NewFromConfig(cfg), caller: caller, roleName: roleName, creds: map[string]aws.CredentialsProvider{}}
}

// SecurityHub implements Dialer.
func (d *SDKDialer) SecurityHub(ctx context.Context, partition, account, region string) (SecurityHubAPI, error) {
	cfg := d.cfg.Copy()
	cfg.Region = region
	if account != d.caller {
		p, err := d.assumed(ctx, partition, account)
		if err != nil {
			return nil, err
		}
		cfg.Credentials = p
	}
	return securityhub.NewFromConfig(cfg), nil
}

func (d *SDKDialer) assumed(ctx context.Context, partition, account string) (aws.CredentialsProvider, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.creds[account]; ok {
		return p, nil
	}
	role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, d.roleName)
	out, err := d.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("rootwatch-securityhub-import")})
	if err != nil {
		return nil, fmt.Errorf("assume %s: %w", role, err)
	}
	c := out.Credentials
	// Static for the run: an import takes seconds of the hour AssumeRole grants.
	p := aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)))
	d.creds[account] = p
	return p, nil
}
