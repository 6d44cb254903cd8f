package awsfake

import (
	"github.com/rootwatch/rootwatch/internal/awsread"
)

// Conn is one account's set of clients (one set of credentials).
type Conn struct {
	c       *Cloud
	account string
}

var _ awsread.Conn = Conn{}

// Conn returns clients acting as account with its own credentials.
func (c *Cloud) Conn(account string) Conn { return Conn{c: c, account: account} }

// CloudTrail returns the account's CloudTrail client in region.
func (k Conn) CloudTrail(region string) awsread.CloudTrailAPI { return k.Trails(region) }

// Trails is CloudTrail as its concrete type, for write methods.
func (k Conn) Trails(region string) *CloudTrail { return &CloudTrail{k.c, k.account, region} }

// Logs implements awsread.Conn.
func (k Conn) Logs(region string) awsread.LogsAPI { return k.LogsClient(region) }

// LogsClient is Logs as its concrete type.
func (k Conn) LogsClient(region string) *Logs { return &Logs{k.c, k.account, region} }

// CloudWatch implements awsread.Conn.
func (k Conn) CloudWatch(region string) awsread.CloudWatchAPI { return k.CloudWatchClient(region) }

// CloudWatchClient is CloudWatch as its concrete type.
func (k Conn) CloudWatchClient(region string) *CloudWatch { return &CloudWatch{k.c, k.account, region} }

// SNS implements awsread.Conn.
func (k Conn) SNS(region string) awsread.SNSAPI { return k.SNSClient(region) }

// SNSClient is SNS as its concrete type.
func (k Conn) SNSClient(region string) *SNS { return &SNS{k.c, k.account, region} }

// KMS implements awsread.Conn.
func (k Conn) KMS(region string) awsread.KMSAPI { return k.KMSClient(region) }

// KMSClient is KMS as its concrete type.
func (k Conn) KMSClient(region string) *KMS { return &KMS{k.c, k.account, region} }

// EventBridge implements awsread.Conn.
func (k Conn) EventBridge(region string) awsread.EventBridgeAPI { return k.EventsClient(region) }

// EventsClient is EventBridge as its concrete type.
func (k Conn) EventsClient(region string) *EventBridge { return &EventBridge{k.c, k.account, region} }

// Account implements awsread.Conn.
func (k Conn) Account() awsread.AccountAPI { return &AccountClient{k.c, k.account} }

// EC2 implements awsread.Conn.
func (k Conn) EC2(region string) awsread.EC2API { return &EC2{k.c, k.account, region} }

// Scheduler implements awsread.Conn.
func (k Conn) Scheduler(region string) awsread.SchedulerAPI { return k.SchedulerClient(region) }

// Dialer is an awsread.Dialer whose own credentials belong to Caller.
type Dialer struct {
	c      *Cloud
	Caller string
}

var _ awsread.Dialer = (*Dialer)(nil)

// Dialer returns a dialer whose credentials belong to caller.
func (c *Cloud) Dialer(caller string) *Dialer { return &Dialer{c: c, Caller: caller} }

// Self implements awsread.Dialer.
func (d *Dialer) Self() awsread.Conn { return d.c.Conn(d.Caller) }

// STS implements awsread.Dialer.
func (d *Dialer) STS() awsread.STSAPI { return &STS{d.c, d.Caller} }

// Organizations implements awsread.Dialer.
func (d *Dialer) Organizations() awsread.OrganizationsAPI { return &Organizations{d.c, d.Caller} }

// Assumed implements awsread.Dialer: the access key names a session
// AssumeRole created; unknown keys act as invalid credentials.
func (d *Dialer) Assumed(cr awsread.Credentials) awsread.Conn {
	d.c.mu.Lock()
	defer d.c.mu.Unlock()
	return d.c.Conn(d.c.sessions[cr.AccessKeyID])
}
