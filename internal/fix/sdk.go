package fix

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SDKDialer opens SDK clients: the configured credentials for the
// caller's own account, RoleName assumed (role chaining through STS,
// refreshed by the SDK) for any other account, as audit --org does.
type SDKDialer struct {
	cfg       aws.Config
	roleName  string
	partition string

	mu     sync.Mutex
	caller string
	conns  map[string]Conn
}

// NewSDKDialer returns a Dialer over cfg. caller is the account cfg's
// credentials belong to (from the audit's snapshot).
func NewSDKDialer(cfg aws.Config, caller, roleName, partition string) *SDKDialer {
	if partition == "" {
		partition = "aws"
	}
	return &SDKDialer{cfg: cfg, caller: caller, roleName: roleName, partition: partition, conns: map[string]Conn{}}
}

// Conn implements Dialer.
func (d *SDKDialer) Conn(_ context.Context, account string) (Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.conns[account]; ok {
		return c, nil
	}
	cfg := d.cfg.Copy()
	if account != d.caller {
		if d.roleName == "" {
			return nil, fmt.Errorf("account %s is not the caller's (%s) and no role to assume was given (--role-name)", account, d.caller)
		}
		role := fmt.Sprintf("arn:%s:iam::%s:role/%s", d.partition, account, d.roleName)
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(d.cfg), role, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "rootwatch-fix"
		}))
	}
	c := sdkConn{cfg: cfg}
	d.conns[account] = c
	return c, nil
}

type sdkConn struct{ cfg aws.Config }

func (c sdkConn) in(region string) aws.Config {
	cfg := c.cfg.Copy()
	cfg.Region = region
	return cfg
}

func (c sdkConn) Logs(r string) LogsAPI             { return cloudwatchlogs.NewFromConfig(c.in(r)) }
func (c sdkConn) CloudWatch(r string) CloudWatchAPI { return cloudwatch.NewFromConfig(c.in(r)) }
func (c sdkConn) SNS(r string) SNSAPI               { return sns.NewFromConfig(c.in(r)) }
func (c sdkConn) CloudTrail(r string) CloudTrailAPI { return cloudtrail.NewFromConfig(c.in(r)) }
func (c sdkConn) IAM() IAMAPI                       { return iam.NewFromConfig(c.cfg) }
func (c sdkConn) Scheduler(r string) SchedulerAPI   { return scheduler.NewFromConfig(c.in(r)) }
