package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	home   = "eu-west-1"
)

// TestCollectThenEvaluate drives the collector over the fake AWS and
// audits the result, one broken link at a time.
func TestCollectThenEvaluate(t *testing.T) {
	topic := "arn:aws:sns:eu-west-1:111111111111:" + awsfake.ChainTopic
	region := func(c *awsfake.Cloud) *awsfake.Region { return c.Accounts[mgmt].Region(home) }
	alarm := func(c *awsfake.Cloud) *cwtypes.MetricAlarm { return region(c).Alarms["RootAccountUsage"] }
	tests := []struct {
		name   string
		org    bool
		edit   func(c *awsfake.Cloud)
		fault  func(c *awsfake.Cloud)
		want   map[string]audit.Status // account -> status
		link   string
		detail string
	}{
		{name: "compliant", edit: func(*awsfake.Cloud) {}, want: map[string]audit.Status{mgmt: audit.Pass}, link: audit.LinkSubscription, detail: "1 confirmed"},
		{name: "stopped trail", edit: func(c *awsfake.Cloud) { c.Accounts[mgmt].Trails[0].Logging = false },
			want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkTrail, detail: "logging is stopped"},
		{name: "advanced selectors write only", edit: func(c *awsfake.Cloud) {
			c.Accounts[mgmt].Trails[0].AdvancedEventSelectors = []cttypes.AdvancedEventSelector{{FieldSelectors: []cttypes.AdvancedFieldSelector{
				{Field: aws.String("eventCategory"), Equals: []string{"Management"}}, {Field: aws.String("readOnly"), Equals: []string{"false"}}}}}
		}, want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkTrail, detail: "write-only"},
		{name: "semantic variant", edit: func(c *awsfake.Cloud) {
			region(c).LogGroups[awsfake.ChainLogGroup].Filters["RootAccountUsage"].FilterPattern = aws.String(`{($.eventType!="AwsServiceEvent")&&($.userIdentity.invokedBy NOT EXISTS)&&($.userIdentity.type="Root")}`)
		}, want: map[string]audit.Status{mgmt: audit.Pass}, link: audit.LinkMetricFilter, detail: "filter-not-cis-literal"},
		{name: "filter deleted", edit: func(c *awsfake.Cloud) {
			region(c).LogGroups[awsfake.ChainLogGroup].Filters = map[string]*logtypes.MetricFilter{}
		}, want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkMetricFilter, detail: "no metric filter"},
		{name: "wrong namespace", edit: func(c *awsfake.Cloud) { alarm(c).Namespace = aws.String("LogMetrics") },
			want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkAlarm, detail: "namespace LogMetrics"},
		{name: "alarm dimensions", edit: func(c *awsfake.Cloud) {
			alarm(c).Dimensions = []cwtypes.Dimension{{Name: aws.String("Region"), Value: aws.String(home)}}
		}, want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkAlarm, detail: "has dimensions"},
		{name: "actions disabled", edit: func(c *awsfake.Cloud) { alarm(c).ActionsEnabled = aws.Bool(false) },
			want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkAlarm, detail: "actions are disabled"},
		{name: "topic deleted", edit: func(c *awsfake.Cloud) { delete(region(c).Topics, topic) },
			want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkTopic, detail: "does not exist"},
		{name: "aws managed key", edit: func(c *awsfake.Cloud) { region(c).Topics[topic].Attributes["KmsMasterKeyId"] = "alias/aws/sns" },
			want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkTopic, detail: "AWS-managed key"},
		{name: "customer key for cloudwatch", edit: func(c *awsfake.Cloud) {
			region(c).Topics[topic].Attributes["KmsMasterKeyId"] = "alias/alerts"
			region(c).Aliases["alias/alerts"] = "k1"
			region(c).Keys["k1"] = &awsfake.Key{Metadata: kmstypes.KeyMetadata{KeyId: aws.String("k1"), Arn: aws.String("arn:aws:kms:eu-west-1:111111111111:key/k1"), KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled},
				Policy: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`}
		}, want: map[string]audit.Status{mgmt: audit.Pass}, link: audit.LinkTopic, detail: "which CloudWatch may use"},
		{name: "pending only", edit: func(c *awsfake.Cloud) {
			region(c).Topics[topic].Subscriptions = []snstypes.Subscription{{SubscriptionArn: aws.String("PendingConfirmation"), Protocol: aws.String("email"), Endpoint: aws.String("a@example.com")}}
		}, want: map[string]audit.Status{mgmt: audit.Fail}, link: audit.LinkSubscription, detail: "pending confirmation"},
		{name: "denied", edit: func(*awsfake.Cloud) {}, fault: func(c *awsfake.Cloud) { c.Deny(mgmt, "logs:DescribeMetricFilters") },
			want: map[string]audit.Status{mgmt: audit.Unknown}, link: audit.LinkMetricFilter, detail: "missing permission logs:DescribeMetricFilters"},
		{name: "throttled, recovers", edit: func(*awsfake.Cloud) {}, fault: func(c *awsfake.Cloud) { c.Throttle(mgmt, "sns:ListSubscriptionsByTopic", 3) },
			want: map[string]audit.Status{mgmt: audit.Pass}, link: audit.LinkSubscription, detail: "1 confirmed"},
		{name: "throttled for good", edit: func(*awsfake.Cloud) {}, fault: func(c *awsfake.Cloud) { c.Throttle(mgmt, "sns:ListSubscriptionsByTopic", -1) },
			want: map[string]audit.Status{mgmt: audit.Unknown}, link: audit.LinkSubscription, detail: "throttled"},
		{name: "organization trail", org: true, edit: func(*awsfake.Cloud) {},
			want: map[string]audit.Status{mgmt: audit.Pass, member: audit.Pass}, link: audit.LinkAlarm, detail: "actions enabled"},
		{name: "organization trail, member role missing", org: true, edit: func(c *awsfake.Cloud) { c.Accounts[member].Roles = nil },
			want: map[string]audit.Status{mgmt: audit.Pass, member: audit.Pass}, link: audit.LinkTrail, detail: "organization trail"},
		{name: "organization trail broken in owner", org: true, edit: func(c *awsfake.Cloud) { alarm(c).ActionsEnabled = aws.Bool(false) },
			want: map[string]audit.Status{mgmt: audit.Fail, member: audit.Fail}, link: audit.LinkAlarm, detail: "actions are disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := awsfake.New()
			c.PageSize = 2
			c.AddAccount(mgmt, "management")
			if tt.org {
				c.AddAccount(member, "workload")
				c.SetOrganization("o-test", mgmt)
			}
			c.AddCISChain(mgmt, home, tt.org)
			c.Edit(tt.edit)
			if tt.fault != nil {
				tt.fault(c)
			}
			snap, err := awsread.Collect(context.Background(), c.Dialer(mgmt), awsread.Options{
				Org: tt.org, Regions: []string{home, "us-east-1"},
				Retry: awsread.Retry{Attempts: 4, Base: time.Microsecond, Max: time.Microsecond},
			})
			if err != nil {
				t.Fatal(err)
			}
			rep := audit.Evaluate(snap)
			for _, a := range rep.Accounts {
				if want, ok := tt.want[a.Account]; ok && a.Status != want {
					t.Errorf("account %s = %s, want %s: %+v", a.Account, a.Status, want, a.Links)
				}
			}
			last := rep.Accounts[len(rep.Accounts)-1]
			for _, l := range last.Links {
				if text := l.Detail + fmt.Sprint(l.Warnings); l.Name == tt.link && !strings.Contains(text, tt.detail) {
					t.Errorf("%s detail and warnings = %q, want %q", l.Name, text, tt.detail)
				}
			}
			if tt.org && last.CoveredBy != "trail "+awsfake.ChainTrail+" in account "+mgmt {
				t.Errorf("member covered_by = %q", last.CoveredBy)
			}
		})
	}
}
