package fix_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/fix"
)

var probeRetry = awsread.Retry{Attempts: 4, Base: time.Microsecond, Max: time.Microsecond}

// notFoundExceptionSNS answers GetTopicAttributes for a missing topic with
// the code NotFoundException, as some SNS-compatible endpoints do.
type notFoundExceptionSNS struct{ fix.SNSAPI }

func (s notFoundExceptionSNS) GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, opt ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	out, err := s.SNSAPI.GetTopicAttributes(ctx, in, opt...)
	if err != nil && strings.Contains(err.Error(), "NotFound") {
		return nil, &smithy.GenericAPIError{Code: "NotFoundException", Message: "Topic does not exist"}
	}
	return out, err
}

type nfConn struct{ awsfake.WriteConn }

func (c nfConn) SNS(region string) fix.SNSAPI { return notFoundExceptionSNS{c.WriteConn.SNS(region)} }

type nfDialer struct{ c *awsfake.Cloud }

func (d nfDialer) Conn(_ context.Context, account string) (fix.Conn, error) {
	return nfConn{d.c.WriteConn(account)}, nil
}

// TestProbeReadsLikeTheAudit: fix's extra reads go through awsread, so a
// throttled DescribeAlarms or GetTopicAttributes is retried and a topic
// reported as NotFoundException is absent, not an error.
func TestProbeReadsLikeTheAudit(t *testing.T) {
	ctx := context.Background()
	missing := "arn:aws:sns:" + region + ":" + acct + ":no-such-topic"
	tests := []struct {
		name    string
		fault   func(c *awsfake.Cloud)
		dialer  func(c *awsfake.Cloud) fix.Dialer
		o       fix.Options
		wantErr string // "" = the chain is planned
	}{
		{name: "alarms throttled, then answered", fault: func(c *awsfake.Cloud) { c.Throttle(acct, "cloudwatch:DescribeAlarms", 2) }},
		{name: "topic read throttled, then answered", fault: func(c *awsfake.Cloud) { c.Throttle(acct, "sns:GetTopicAttributes", 2) },
			o: fix.Options{TopicARN: "arn:aws:sns:" + region + ":" + acct + ":" + awsfake.ChainTopic}},
		{name: "alarms throttled for good", fault: func(c *awsfake.Cloud) { c.Throttle(acct, "cloudwatch:DescribeAlarms", -1) },
			wantErr: "throttled"},
		{name: "NotFoundException is absent", dialer: func(c *awsfake.Cloud) fix.Dialer { return nfDialer{c} },
			o: fix.Options{TopicARN: missing}, wantErr: "--topic-arn " + missing + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := awsfake.New()
			c.AddAccount(acct, "prod")
			c.AddCISChain(acct, region, false)
			c.Edit(func(c *awsfake.Cloud) { delete(c.Accounts[acct].Region(region).Alarms, "RootAccountUsage") })
			snap, rep := collect(t, c)
			if tt.fault != nil {
				tt.fault(c)
			}
			var d fix.Dialer = c.WriteDialer()
			if tt.dialer != nil {
				d = tt.dialer(c)
			}
			o := tt.o
			o.Retry = probeRetry
			o.Endpoints = []fix.Endpoint{{Protocol: "sqs", Endpoint: "arn:aws:sqs:" + region + ":" + acct + ":q"}}
			plan, _ := fix.PlanChanges(ctx, d, snap, fix.Verdicts(rep), o)
			err := plan.Accounts[0].Err
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("plan error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("plan error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
