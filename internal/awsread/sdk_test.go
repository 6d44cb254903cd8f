package awsread_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
)

// TestSDKDialerOverTheWire runs the collector through the real SDK
// clients (signing, serialisation, pagination, error decoding) against
// the loopback endpoint, as AWS_ENDPOINT_URL would, for an organization.
func TestSDKDialerOverTheWire(t *testing.T) {
	c := awsfake.New()
	c.PageSize = 1
	c.AddAccount(mgmt, "management")
	c.AddAccount(member, "workload")
	c.SetOrganization("o-example", mgmt)
	c.PlaceInOU("ou-xmpl-11111111", "r-example")
	c.PlaceInOU(member, "ou-xmpl-11111111")
	c.AddCISChain(mgmt, home, true)
	c.Edit(func(c *awsfake.Cloud) {
		topic := c.Accounts[mgmt].Region(home).Topics[c.TopicARN(mgmt, home, awsfake.ChainTopic)]
		topic.Subscriptions = append(topic.Subscriptions, snstypes.Subscription{SubscriptionArn: aws.String("PendingConfirmation"), Protocol: aws.String("email"), Endpoint: aws.String("p@example.com")})
	})
	c.Deny(member, "events:ListRules")
	srv := httptest.NewServer(awsemu.New(c))
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:       home,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIA"+mgmt, "secret", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	snap, err := awsread.Collect(context.Background(), awsread.NewSDKDialer(cfg), awsread.Options{Org: true, OUs: true, Regions: []string{home, "us-east-1"}, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Account(member).OUs; strings.Join(got, "/") != "r-example/ou-xmpl-11111111" {
		t.Errorf("OUs over the wire = %v (%v)", got, snap.Account(member).OUsError)
	}
	rep := audit.Evaluate(snap)
	if rep.Summary.Pass != 2 {
		t.Fatalf("summary = %+v\n%+v", rep.Summary, rep.Accounts)
	}
	m := snap.Account(mgmt)
	if len(m.Topics) != 1 || len(m.Topics[0].Subscriptions) != 2 || !m.Topics[0].Subscriptions[1].Pending() {
		t.Errorf("subscriptions over the wire = %+v", m.Topics)
	}
	if e := snap.Account(member).RegionError(home, "rules"); e == nil || e.Action != "events:ListRules" || e.Kind != "denied" {
		t.Errorf("denied ListRules over the wire = %+v", e)
	}
	if got := rep.Accounts[1].CoveredBy; got != "trail "+awsfake.ChainTrail+" in account "+mgmt {
		t.Errorf("covered_by = %q", got)
	}
}

func TestSDKDialerDiscoversRegions(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	c.AddCISChain(mgmt, home, false)
	srv := httptest.NewServer(awsemu.New(c))
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region: home, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIA"+mgmt, "secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
	snap, err := awsread.Collect(context.Background(), awsread.NewSDKDialer(cfg), awsread.Options{Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	a := snap.Accounts[0]
	if len(a.Regions) != len(awsfake.DefaultRegions) || a.RegionsError != nil {
		t.Errorf("regions = %v (%v)", a.Regions, a.RegionsError)
	}
	if rep := audit.Evaluate(snap); rep.Summary.Pass != 1 {
		t.Errorf("report = %+v", rep.Accounts)
	}
}
