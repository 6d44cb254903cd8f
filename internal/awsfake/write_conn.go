package awsfake

import (
	"context"

	"github.com/rootwatch/rootwatch/internal/fix"
)

// WriteConn is one account's clients as fix, backout and verify see them.
type WriteConn struct{ k Conn }

var _ fix.Conn = WriteConn{}

// WriteConn returns the write clients of account (its own credentials).
func (c *Cloud) WriteConn(account string) WriteConn { return WriteConn{c.Conn(account)} }

// Logs implements fix.Conn.
func (w WriteConn) Logs(region string) fix.LogsAPI { return w.k.LogsClient(region) }

// CloudWatch implements fix.Conn.
func (w WriteConn) CloudWatch(region string) fix.CloudWatchAPI { return w.k.CloudWatchClient(region) }

// SNS implements fix.Conn.
func (w WriteConn) SNS(region string) fix.SNSAPI { return w.k.SNSClient(region) }

// CloudTrail implements fix.Conn.
func (w WriteConn) CloudTrail(region string) fix.CloudTrailAPI { return w.k.Trails(region) }

// IAM implements fix.Conn.
func (w WriteConn) IAM() fix.IAMAPI { return w.k.IAMClient() }

// Scheduler implements fix.Conn.
func (w WriteConn) Scheduler(region string) fix.SchedulerAPI { return w.k.SchedulerClient(region) }

// WriteDialer opens write clients for any account of the cloud, as if the
// caller could act in each (its own account, or an assumed role).
type WriteDialer struct{ c *Cloud }

var _ fix.Dialer = WriteDialer{}

// WriteDialer returns a fix.Dialer over the cloud.
func (c *Cloud) WriteDialer() WriteDialer { return WriteDialer{c} }

// Conn implements fix.Dialer; an unknown account fails as AssumeRole would.
func (d WriteDialer) Conn(_ context.Context, account string) (fix.Conn, error) {
	d.c.mu.Lock()
	defer d.c.mu.Unlock()
	if _, ok := d.c.Accounts[account]; !ok {
		return nil, apiError("AccessDenied", "not authorized to perform sts:AssumeRole in account "+account)
	}
	return d.c.WriteConn(account), nil
}
