package awsread_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	closed = "333333333333"
	home   = "eu-west-1"
)

var fastRetry = awsread.Retry{Attempts: 4, Base: time.Microsecond, Max: time.Microsecond}

func collect(t *testing.T, d awsread.Dialer, o awsread.Options) *inventory.Snapshot {
	t.Helper()
	o.Retry = fastRetry
	o.Now = func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	s, err := awsread.Collect(context.Background(), d, o)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return s
}

func TestCollectSingleAccount(t *testing.T) {
	c := awsfake.New()
	c.PageSize = 1 // every paginated call needs NextToken
	c.AddAccount(mgmt, "management")
	c.AddCISChain(mgmt, home, false)
	c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[mgmt].Region(home)
		topic := r.Topics[c.TopicARN(mgmt, home, awsfake.ChainTopic)]
		topic.Subscriptions = append(topic.Subscriptions, snstypes.Subscription{SubscriptionArn: aws.String("PendingConfirmation"), Protocol: aws.String("email"), Endpoint: aws.String("x@example.com")})
		r.Rules["root-activity"] = &awsfake.Rule{
			Rule:    ebtypes.Rule{EventPattern: aws.String(`{"detail":{"userIdentity":{"type":["Root"]}}}`), State: ebtypes.RuleStateEnabled},
			Targets: []ebtypes.Target{{Id: aws.String("1"), Arn: aws.String("arn:aws:sns:eu-west-1:111111111111:x")}},
		}
		r.Rules["unrelated"] = &awsfake.Rule{Rule: ebtypes.Rule{EventPattern: aws.String(`{"source":["aws.ec2"]}`)}}
	})
	s := collect(t, c.Dialer(mgmt), awsread.Options{})
	if len(s.Accounts) != 1 {
		t.Fatalf("accounts = %d, want 1", len(s.Accounts))
	}
	a := s.Accounts[0]
	if len(a.Regions) != len(awsfake.DefaultRegions) {
		t.Errorf("regions = %v", a.Regions)
	}
	if len(a.Trails) != 1 {
		t.Fatalf("trails = %+v, want the multi-region trail once", a.Trails)
	}
	tr := a.Trails[0]
	if tr.Status == nil || !tr.Status.IsLogging || tr.Selectors == nil || len(tr.Selectors.Basic) != 1 || tr.HomeRegion != home || tr.OwnerAccount != mgmt {
		t.Errorf("trail = %+v", tr)
	}
	if len(a.LogGroups) != 1 || !a.LogGroups[0].Found || len(a.LogGroups[0].MetricFilters) != 1 || a.LogGroups[0].MetricFilters[0].Pattern != cis.RootUsagePattern {
		t.Errorf("log groups = %+v", a.LogGroups)
	}
	if len(a.Alarms) != 1 || !a.Alarms[0].ActionsEnabled || len(a.AlarmRegions) != 1 {
		t.Errorf("alarms = %+v", a.Alarms)
	}
	if len(a.Topics) != 1 || !a.Topics[0].Found || len(a.Topics[0].Subscriptions) != 2 || !strings.Contains(a.Topics[0].Policy, "SNS:Publish") {
		t.Errorf("topics = %+v", a.Topics)
	}
	if len(a.Rules) != 1 || a.Rules[0].Name != "root-activity" || len(a.Rules[0].Targets) != 1 {
		t.Errorf("rules = %+v", a.Rules)
	}
	if len(a.RegionErrors) != 0 || a.Error != nil || a.RegionsError != nil {
		t.Errorf("unexpected errors: %+v %v %v", a.RegionErrors, a.Error, a.RegionsError)
	}
}

func TestCollectOrganization(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	c.AddAccount(member, "workload")
	c.AddAccount(closed, "old").Status = inventory.StatusSuspended
	c.AddAccount("444444444444", "no-role").Roles = map[string]bool{}
	c.SetOrganization("o-example", mgmt)
	c.AddCISChain(mgmt, home, true)
	c.PageSize = 1 // ListAccounts needs NextToken

	s := collect(t, c.Dialer(mgmt), awsread.Options{Org: true, Regions: []string{home, "us-east-1"}, Concurrency: 2})
	if !s.Organization || s.ManagementAccount != mgmt || len(s.Accounts) != 4 {
		t.Fatalf("snapshot = %+v", s)
	}
	m := s.Account(member)
	if m == nil || len(m.Trails) != 1 || !m.Trails[0].IsOrganizationTrail || m.Trails[0].OwnerAccount != mgmt {
		t.Fatalf("member sees trails %+v, want the organization trail", m)
	}
	if len(m.LogGroups) != 0 {
		t.Errorf("member read log groups %+v of another account", m.LogGroups)
	}
	if got := s.Account(closed); got.Skipped == "" {
		t.Errorf("suspended account not skipped: %+v", got)
	}
	nr := s.Account("444444444444")
	if nr.Error == nil || nr.Error.Action != "sts:AssumeRole" || nr.Error.Kind != inventory.Denied {
		t.Errorf("no-role account error = %+v", nr.Error)
	}
	if got := s.Account(mgmt); len(got.LogGroups) != 1 {
		t.Errorf("management account read with its own credentials: %+v", got)
	}
}

func TestCollectRecordsDeniedAndThrottled(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *awsfake.Cloud)
		check func(t *testing.T, a *inventory.Account)
	}{
		{
			name:  "status denied",
			setup: func(c *awsfake.Cloud) { c.Deny(mgmt, "cloudtrail:GetTrailStatus") },
			check: func(t *testing.T, a *inventory.Account) {
				if a.Trails[0].StatusError == nil || a.Trails[0].StatusError.Verdict() != "could not look: missing permission cloudtrail:GetTrailStatus" {
					t.Errorf("status error = %+v", a.Trails[0].StatusError)
				}
			},
		},
		{
			name:  "throttled then recovers",
			setup: func(c *awsfake.Cloud) { c.Throttle(mgmt, "cloudwatch:DescribeAlarms", 2) },
			check: func(t *testing.T, a *inventory.Account) {
				if len(a.Alarms) != 1 || a.RegionError(home, inventory.ListAlarms) != nil {
					t.Errorf("alarms = %+v, errors %+v", a.Alarms, a.RegionErrors)
				}
			},
		},
		{
			name:  "throttled forever",
			setup: func(c *awsfake.Cloud) { c.Throttle(mgmt, "sns:GetTopicAttributes", -1) },
			check: func(t *testing.T, a *inventory.Account) {
				if a.Topics[0].Error == nil || a.Topics[0].Error.Kind != inventory.Throttled {
					t.Errorf("topic = %+v", a.Topics[0])
				}
			},
		},
		{
			name:  "list regions denied falls back to ec2",
			setup: func(c *awsfake.Cloud) { c.Deny(mgmt, "account:ListRegions") },
			check: func(t *testing.T, a *inventory.Account) {
				if a.RegionsError != nil || len(a.Regions) != len(awsfake.DefaultRegions) {
					t.Errorf("regions = %v, error %v", a.Regions, a.RegionsError)
				}
			},
		},
		{
			name: "describe trails denied in one region",
			setup: func(c *awsfake.Cloud) {
				c.DenyIn(mgmt, "us-east-2", "cloudtrail:DescribeTrails")
			},
			check: func(t *testing.T, a *inventory.Account) {
				if e := a.RegionError("us-east-2", inventory.ListTrails); e == nil || e.Kind != inventory.Denied {
					t.Errorf("region errors = %+v", a.RegionErrors)
				}
				if len(a.Trails) != 1 {
					t.Errorf("trails = %+v", a.Trails)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := awsfake.New()
			c.AddAccount(mgmt, "management")
			c.AddCISChain(mgmt, home, false)
			tt.setup(c)
			s := collect(t, c.Dialer(mgmt), awsread.Options{})
			tt.check(t, &s.Accounts[0])
		})
	}
}

func TestCollectOrgListDenied(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(member, "workload")
	c.AddAccount(mgmt, "management")
	c.SetOrganization("o-example", mgmt)
	_, err := awsread.Collect(context.Background(), c.Dialer(member), awsread.Options{Org: true, Retry: fastRetry})
	if err == nil || !strings.Contains(err.Error(), "missing permission organizations:ListAccounts") {
		t.Fatalf("err = %v, want a clear organizations:ListAccounts error", err)
	}
}

func TestCollectRetryQuotaIsThrottling(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	calls := 0
	d := quotaDialer{Dialer: c.Dialer(mgmt), calls: &calls}
	s, err := awsread.Collect(context.Background(), d, awsread.Options{Regions: []string{home}, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || s.Accounts[0].Error != nil {
		t.Errorf("GetCallerIdentity calls = %d (want a retry after the quota error); account %+v", calls, s.Accounts[0])
	}
}

// quotaDialer fails the first GetCallerIdentity the way the SDK does when
// its retry budget is exhausted.
type quotaDialer struct {
	*awsfake.Dialer
	calls *int
}

func (d quotaDialer) STS() awsread.STSAPI { return quotaSTS{STSAPI: d.Dialer.STS(), calls: d.calls} }

type quotaSTS struct {
	awsread.STSAPI
	calls *int
}

func (s quotaSTS) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, o ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	*s.calls++
	if *s.calls == 1 {
		return nil, fmt.Errorf("operation error STS: GetCallerIdentity, failed to get rate limit token, retry quota exceeded, 0 available, 5 requested")
	}
	return s.STSAPI.GetCallerIdentity(ctx, in, o...)
}

func TestCollectOrganizationThrottled(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	c.AddAccount(member, "workload")
	c.SetOrganization("o-example", mgmt)
	c.AddCISChain(mgmt, home, true)
	c.Throttle(mgmt, "organizations:ListAccounts", 2)
	c.Throttle(mgmt, "sts:AssumeRole", 3)
	s := collect(t, c.Dialer(mgmt), awsread.Options{Org: true, Regions: []string{home}})
	m := s.Account(member)
	if m == nil || m.Error != nil || len(m.Trails) != 1 {
		t.Fatalf("member after throttled AssumeRole = %+v", m)
	}
	if got := c.Calls("sts:AssumeRole"); got != 4 {
		t.Errorf("AssumeRole calls = %d, want 3 throttled + 1", got)
	}
}

// An error the SDK's retryer already gave up on (MaxAttemptsError) is not
// retried again: nested retries made one throttled call take minutes.
func TestHostileCollectOneRetryLayer(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	calls := 0
	d := maxedDialer{Dialer: c.Dialer(mgmt), calls: &calls}
	s, err := awsread.Collect(context.Background(), d, awsread.Options{Regions: []string{home}, Retry: fastRetry})
	if err == nil && (len(s.Accounts) == 0 || s.Accounts[0].Error == nil) {
		t.Fatalf("a call the SDK gave up on must be reported, got %+v", s)
	}
	if calls != 1 {
		t.Errorf("GetCallerIdentity calls = %d, want 1 (the SDK already made its attempts)", calls)
	}
}

type maxedDialer struct {
	*awsfake.Dialer
	calls *int
}

func (d maxedDialer) STS() awsread.STSAPI { return maxedSTS{STSAPI: d.Dialer.STS(), calls: d.calls} }

type maxedSTS struct {
	awsread.STSAPI
	calls *int
}

func (s maxedSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	*s.calls++
	return nil, &retry.MaxAttemptsError{Attempt: 8, Err: &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}}
}
