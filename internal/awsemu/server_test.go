package awsemu_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	home   = "eu-west-1"
)

func newCloud() *awsfake.Cloud {
	c := awsfake.New()
	c.PageSize = 2 // every list pages over the wire
	c.AddAccount(mgmt, "management")
	c.AddAccount(member, "member")
	c.SetOrganization("o-example", mgmt)
	c.AddCISChain(mgmt, home, true)
	c.AddCISChain(member, home, false)
	return c
}

func start(t testing.TB, s *awsemu.Server) string {
	t.Helper()
	srv := httptest.NewServer(s) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL
}

func config(url, key string) aws.Config {
	return aws.Config{
		Region:       home,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secret", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// ignore compares SDK values without their metadata and unexported
// serde markers.
var ignore = []cmp.Option{
	cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		if !ok {
			return false
		}
		n := sf.Name()
		return n == "ResultMetadata" || n[0] < 'A' || n[0] > 'Z'
	}, cmp.Ignore()),
	cmpopts.EquateEmpty(),
}

var someTime = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func noDelay(int, error) (time.Duration, error) { return 0, nil }

// TestReadsMatchTheModel: every read rootwatch audit makes returns over
// the wire exactly what the in-memory model returns in process (all
// pages joined by following NextToken through the SDK).
func TestReadsMatchTheModel(t *testing.T) {
	ctx := context.Background()
	cloud := newCloud()
	url := start(t, awsemu.New(cloud))
	cfg := config(url, "AKIA"+mgmt)
	fake := cloud.Conn(mgmt)
	topic := cloud.TopicARN(mgmt, home, awsfake.ChainTopic)
	trail := cloud.TrailARN(mgmt, home, awsfake.ChainTrail)

	tests := []struct {
		name       string
		wire, want func() (any, error)
	}{
		{"cloudtrail DescribeTrails",
			func() (any, error) {
				return cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			},
			func() (any, error) { return fake.Trails(home).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}) }},
		{"cloudtrail GetTrailStatus (timestamps)",
			func() (any, error) {
				return cloudtrail.NewFromConfig(cfg).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: &trail})
			},
			func() (any, error) {
				return fake.Trails(home).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: &trail})
			}},
		{"cloudtrail GetEventSelectors",
			func() (any, error) {
				return cloudtrail.NewFromConfig(cfg).GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: &trail})
			},
			func() (any, error) {
				return fake.Trails(home).GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: &trail})
			}},
		{"logs DescribeLogGroups (camelCase JSON)",
			func() (any, error) {
				return cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("aws-")})
			},
			func() (any, error) {
				return fake.LogsClient(home).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("aws-")})
			}},
		{"logs DescribeMetricFilters",
			func() (any, error) {
				return cloudwatchlogs.NewFromConfig(cfg).DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(awsfake.ChainLogGroup)})
			},
			func() (any, error) {
				return fake.LogsClient(home).DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(awsfake.ChainLogGroup)})
			}},
		{"cloudwatch DescribeAlarms (rpcv2 CBOR)",
			func() (any, error) {
				return cloudwatch.NewFromConfig(cfg).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{cis.AlarmName}})
			},
			func() (any, error) {
				return fake.CloudWatchClient(home).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{cis.AlarmName}})
			}},
		{"sns GetTopicAttributes (query map)",
			func() (any, error) {
				return sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &topic})
			},
			func() (any, error) {
				return fake.SNSClient(home).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &topic})
			}},
		{"sns ListSubscriptionsByTopic (query list)",
			func() (any, error) {
				return sns.NewFromConfig(cfg).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
			},
			func() (any, error) {
				return fake.SNSClient(home).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
			}},
		{"account ListRegions (restJson, paged)",
			func() (any, error) { return account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{}) },
			func() (any, error) { return fake.Account().ListRegions(ctx, &account.ListRegionsInput{}) }},
		{"ec2 DescribeRegions (ec2query)",
			func() (any, error) { return ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}) },
			func() (any, error) { return fake.EC2(home).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}) }},
		{"organizations ListAccounts",
			func() (any, error) {
				return organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
			},
			func() (any, error) {
				return cloud.Dialer(mgmt).Organizations().ListAccounts(ctx, &organizations.ListAccountsInput{})
			}},
		{"events ListRules",
			func() (any, error) {
				return eventbridge.NewFromConfig(cfg).ListRules(ctx, &eventbridge.ListRulesInput{})
			},
			func() (any, error) { return fake.EventsClient(home).ListRules(ctx, &eventbridge.ListRulesInput{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.wire()
			if err != nil {
				t.Fatalf("over the wire: %v", err)
			}
			want, err := tt.want()
			if err != nil {
				t.Fatalf("in process: %v", err)
			}
			if d := cmp.Diff(want, got, ignore...); d != "" {
				t.Errorf("wire differs from model (-model +wire):\n%s", d)
			}
		})
	}
}

// TestAssumeRoleActsInTheTargetAccount: the session key sts:AssumeRole
// returns over the wire reads the member account, as with --org.
func TestAssumeRoleActsInTheTargetAccount(t *testing.T) {
	ctx := context.Background()
	url := start(t, awsemu.New(newCloud()))
	out, err := sts.NewFromConfig(config(url, "AKIA"+mgmt)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("audit"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Credentials.Expiration == nil || out.Credentials.Expiration.IsZero() {
		t.Errorf("expiration not decoded: %+v", out.Credentials)
	}
	cfg := config(url, *out.Credentials.AccessKeyId)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != member {
		t.Errorf("assumed session acts as %s, want %s", aws.ToString(id.Account), member)
	}
}

// TestErrorsKeepTheirCodes: faults injected in the model reach the SDK
// with the code each service uses, so awsread's classification runs on
// real decoded errors.
func TestErrorsKeepTheirCodes(t *testing.T) {
	ctx := context.Background()
	cloud := newCloud()
	cloud.Deny(mgmt, "cloudwatch:DescribeAlarms")
	cloud.Deny(mgmt, "sns:GetTopicAttributes")
	cloud.Deny(mgmt, "logs:DescribeMetricFilters")
	cloud.Deny(mgmt, "ec2:DescribeRegions")
	cloud.Throttle(mgmt, "cloudtrail:DescribeTrails", -1)
	url := start(t, awsemu.New(cloud))
	cfg := config(url, "AKIA"+mgmt)
	topic := cloud.TopicARN(mgmt, home, awsfake.ChainTopic)
	tests := []struct {
		name, code string
		call       func() error
	}{
		{"cbor", "AccessDenied", func() error {
			_, err := cloudwatch.NewFromConfig(cfg).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
			return err
		}},
		{"query", "AuthorizationError", func() error {
			_, err := sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &topic})
			return err
		}},
		{"json", "AccessDeniedException", func() error {
			_, err := cloudwatchlogs.NewFromConfig(cfg).DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{})
			return err
		}},
		{"ec2", "UnauthorizedOperation", func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}},
		{"throttling", "ThrottlingException", func() error {
			_, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			return err
		}},
		{"not found", "NotFound", func() error {
			_, err := sns.NewFromConfig(config(url, "AKIA"+member)).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic + "-gone")})
			return err
		}},
		{"unknown key", "UnrecognizedClientException", func() error {
			_, err := cloudwatchlogs.NewFromConfig(config(url, "AKIDUNKNOWN")).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an API error %s", err, tt.code)
			}
			if ae.ErrorCode() != tt.code {
				t.Errorf("code = %q (%v), want %q", ae.ErrorCode(), err, tt.code)
			}
		})
	}
	// The SDK's standard retryer recognises the throttle and retries it.
	cloud2 := newCloud()
	cloud2.Throttle(mgmt, "cloudtrail:DescribeTrails", 1)
	cfg2 := config(start(t, awsemu.New(cloud2)), "AKIA"+mgmt)
	cfg2.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = retry.BackoffDelayerFunc(noDelay) })
	}
	if _, err := cloudtrail.NewFromConfig(cfg2).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}); err != nil {
		t.Errorf("throttled once, then: %v", err)
	}
}

// TestWritesReachTheModel drives the fix engine's calls (awsQuery forms
// with lists and maps, CBOR writes) and reads the model back.
func TestWritesReachTheModel(t *testing.T) {
	ctx := context.Background()
	cloud := awsfake.New()
	cloud.AddAccount(mgmt, "management")
	url := start(t, awsemu.New(cloud))
	cfg := config(url, "AKIA"+mgmt)
	ct, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{
		Name:       aws.String("alerts"),
		Attributes: map[string]string{"DisplayName": "Root"},
		Tags:       nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sns.NewFromConfig(cfg).Subscribe(ctx, &sns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("email"), Endpoint: aws.String("a@example.com")}); err != nil {
		t.Fatal(err)
	}
	attrs, err := sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: ct.TopicArn})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["DisplayName"] != "Root" {
		t.Errorf("attributes map lost over the query protocol: %v", attrs.Attributes)
	}
	if _, err := cloudwatch.NewFromConfig(cfg).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("a"), MetricName: aws.String(cis.MetricName), Namespace: aws.String(cis.MetricNamespace),
		Statistic: "Sum", Period: aws.Int32(300), Threshold: aws.Float64(1), ComparisonOperator: "GreaterThanOrEqualToThreshold",
		EvaluationPeriods: aws.Int32(1), AlarmActions: []string{*ct.TopicArn}, ActionsEnabled: aws.Bool(true),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudwatch.NewFromConfig(cfg).DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	got, err := cloudwatch.NewFromConfig(cfg).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.MetricAlarms) != 1 || aws.ToBool(got.MetricAlarms[0].ActionsEnabled) || aws.ToFloat64(got.MetricAlarms[0].Threshold) != 1 ||
		len(got.MetricAlarms[0].AlarmActions) != 1 {
		t.Errorf("alarm after put+disable = %+v", got.MetricAlarms)
	}
	if _, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if _, ok := cloud.RoleOf(mgmt, "r"); !ok {
		t.Error("CreateRole over the wire did not reach the model")
	}
}

func TestS3(t *testing.T) {
	ctx := context.Background()
	s := awsemu.New(awsfake.New())
	s.S3.PageSize = 1
	s.S3.Put("trail-bucket", "AWSLogs/1/a.json.gz", []byte("one"), someTime)
	s.S3.Put("trail-bucket", "AWSLogs/1/b.json.gz", []byte("two"), someTime)
	s.S3.Put("trail-bucket", "other/c", []byte("x"), someTime)
	url := start(t, s)
	client := s3.NewFromConfig(config(url, "AKIA"+mgmt))
	var keys []string
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String("trail-bucket"), Prefix: aws.String("AWSLogs/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, *o.Key)
		}
	}
	if want := []string{"AWSLogs/1/a.json.gz", "AWSLogs/1/b.json.gz"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("trail-bucket"), Key: aws.String("AWSLogs/1/b.json.gz")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(obj.Body)
	_ = obj.Body.Close()
	if string(b) != "two" {
		t.Errorf("body = %q", b)
	}
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("trail-bucket"), Key: aws.String("missing")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchKey" {
		t.Errorf("missing key: %v", err)
	}
}

// TestS3DelimiterPages: a common prefix is one entry, listed once across
// pages however many keys it rolls up, as S3 does.
func TestS3DelimiterPages(t *testing.T) {
	ctx := context.Background()
	s := awsemu.New(awsfake.New())
	s.S3.PageSize = 1
	for _, k := range []string{"AWSLogs/1/CloudTrail/a", "AWSLogs/1/CloudTrail/b", "AWSLogs/1/CloudTrail-Digest/c", "AWSLogs/1/x.json", "AWSLogs/2/CloudTrail/d"} {
		s.S3.Put("trail-bucket", k, []byte("x"), someTime)
	}
	client := s3.NewFromConfig(config(start(t, s), "AKIA"+mgmt))
	var got []string
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String("trail-bucket"), Prefix: aws.String("AWSLogs/1/"), Delimiter: aws.String("/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.CommonPrefixes {
			got = append(got, *c.Prefix)
		}
		for _, o := range page.Contents {
			got = append(got, *o.Key)
		}
	}
	if want := []string{"AWSLogs/1/CloudTrail-Digest/", "AWSLogs/1/CloudTrail/", "AWSLogs/1/x.json"}; !reflect.DeepEqual(got, want) {
		t.Errorf("entries = %v, want %v", got, want)
	}
}

// TestLatency: every request waits Server.Latency before it is served,
// so benchmarks see AWS's round trips on loopback.
func TestLatency(t *testing.T) {
	s := awsemu.New(awsfake.New())
	s.Latency = 50 * time.Millisecond
	s.S3.Put("b", "k", []byte("x"), someTime)
	client := s3.NewFromConfig(config(start(t, s), "AKIA"+mgmt))
	begin := time.Now()
	if _, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < s.Latency {
		t.Errorf("request took %v, less than the latency %v", d, s.Latency)
	}
}
