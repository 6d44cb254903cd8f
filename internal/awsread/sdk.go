package awsread

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
)

// The SDK clients satisfy the narrow interfaces.
var (
	_ CloudTrailAPI    = (*cloudtrail.Client)(nil)
	_ LogsAPI          = (*cloudwatchlogs.Client)(nil)
	_ CloudWatchAPI    = (*cloudwatch.Client)(nil)
	_ SNSAPI           = (*sns.Client)(nil)
	_ KMSAPI           = (*kms.Client)(nil)
	_ EventBridgeAPI   = (*eventbridge.Client)(nil)
	_ AccountAPI       = (*account.Client)(nil)
	_ EC2API           = (*ec2.Client)(nil)
	_ OrganizationsAPI = (*organizations.Client)(nil)
	_ STSAPI           = (*sts.Client)(nil)
)

// SDKDialer builds SDK clients from cfg (which carries the credential
// chain, retryer and any AWS_ENDPOINT_URL the SDK resolved).
type SDKDialer struct{ cfg aws.Config }

// ResponseTimeout bounds how long one HTTP attempt of the collector's
// reads waits for AWS to start answering (see awsconfig.ResponseTimeout):
// every read audit makes is a small list or describe.
const ResponseTimeout = 20 * time.Second

// NewSDKDialer returns a Dialer over the real AWS SDK.
func NewSDKDialer(cfg aws.Config) *SDKDialer { return newSDKDialer(cfg, ResponseTimeout) }

func newSDKDialer(cfg aws.Config, timeout time.Duration) *SDKDialer {
	return &SDKDialer{cfg: awsconfig.WithResponseTimeout(cfg, timeout)}
}

// Region is the configured default region, used for region discovery.
func (d *SDKDialer) Region() string { return d.cfg.Region }

// Self implements Dialer.
func (d *SDKDialer) Self() Conn { return sdkConn{cfg: d.cfg} }

// STS implements Dialer.
func (d *SDKDialer) STS() STSAPI { return sts.NewFromConfig(d.cfg) }

// Organizations implements Dialer.
func (d *SDKDialer) Organizations() OrganizationsAPI { return organizations.NewFromConfig(d.cfg) }

// Assumed implements Dialer. The credentials are static: an audit reads an
// account in seconds, well inside the hour AssumeRole grants.
func (d *SDKDialer) Assumed(c Credentials) Conn {
	cfg := d.cfg.Copy()
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken))
	return sdkConn{cfg: cfg}
}

type sdkConn struct{ cfg aws.Config }

func (c sdkConn) in(region string) aws.Config {
	cfg := c.cfg.Copy()
	cfg.Region = region
	return cfg
}

func (c sdkConn) CloudTrail(r string) CloudTrailAPI   { return cloudtrail.NewFromConfig(c.in(r)) }
func (c sdkConn) Logs(r string) LogsAPI               { return cloudwatchlogs.NewFromConfig(c.in(r)) }
func (c sdkConn) CloudWatch(r string) CloudWatchAPI   { return cloudwatch.NewFromConfig(c.in(r)) }
func (c sdkConn) SNS(r string) SNSAPI                 { return sns.NewFromConfig(c.in(r)) }
func (c sdkConn) KMS(r string) KMSAPI                 { return kms.NewFromConfig(c.in(r)) }
func (c sdkConn) EventBridge(r string) EventBridgeAPI { return eventbridge.NewFromConfig(c.in(r)) }
func (c sdkConn) Account() AccountAPI                 { return account.NewFromConfig(c.cfg) }
func (c sdkConn) EC2(r string) EC2API                 { return ec2.NewFromConfig(c.in(r)) }
func (c sdkConn) Scheduler(r string) SchedulerAPI     { return scheduler.NewFromConfig(c.in(r)) }
