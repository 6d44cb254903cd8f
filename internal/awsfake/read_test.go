package awsfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
)

func codeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestFakeBehavesLikeAWS(t *testing.T) {
	ctx := context.Background()
	c := awsfake.New()
	c.AddAccount("111111111111", "mgmt")
	c.AddAccount("222222222222", "member")
	c.SetOrganization("o-1", "111111111111")
	c.AddCISChain("111111111111", "eu-west-1", true)
	c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts["111111111111"].Region("eu-west-1")
		for _, n := range []string{"b", "c", "d"} {
			a := *r.Alarms["RootAccountUsage"]
			a.AlarmName, a.AlarmArn = aws.String(n), nil
			r.Alarms[n] = &a
		}
	})
	c.PageSize = 2

	t.Run("pagination", func(t *testing.T) {
		cw := c.Conn("111111111111").CloudWatch("eu-west-1")
		var names []string
		var token *string
		for pages := 0; ; pages++ {
			out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range out.MetricAlarms {
				names = append(names, aws.ToString(a.AlarmName))
			}
			if token = out.NextToken; token == nil {
				if pages != 1 {
					t.Errorf("pages = %d, want 2", pages+1)
				}
				break
			}
		}
		if len(names) != 4 {
			t.Errorf("alarms = %v", names)
		}
		if _, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{NextToken: aws.String("garbage")}); codeOf(err) != "InvalidNextTokenException" {
			t.Errorf("bad token error = %v", err)
		}
	})
	t.Run("service error codes", func(t *testing.T) {
		c.Deny("222222222222", "sns:GetTopicAttributes")
		c.Throttle("222222222222", "cloudwatch:DescribeAlarms", 1)
		m := c.Conn("222222222222")
		if _, err := m.SNS("eu-west-1").GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:222222222222:x")}); codeOf(err) != "AuthorizationError" {
			t.Errorf("sns denied = %v", err)
		}
		if _, err := m.CloudWatch("eu-west-1").DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{}); codeOf(err) != "Throttling" {
			t.Errorf("cloudwatch throttled = %v", err)
		}
		if _, err := m.CloudWatch("eu-west-1").DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{}); err != nil {
			t.Errorf("second call after one throttle = %v", err)
		}
		if _, err := c.Conn("111111111111").Logs("eu-west-1").DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String("nope")}); codeOf(err) != "ResourceNotFoundException" {
			t.Errorf("filters of a missing group = %v", err)
		}
	})
	t.Run("organization trail seen by the member", func(t *testing.T) {
		ct := c.Conn("222222222222").CloudTrail("us-east-1")
		out, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
		if err != nil || len(out.TrailList) != 1 || !aws.ToBool(out.TrailList[0].IsOrganizationTrail) {
			t.Fatalf("member trails = %+v, %v", out, err)
		}
		if _, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(awsfake.ChainTrail)}); codeOf(err) != "TrailNotFoundException" {
			t.Errorf("status of a shadow trail by name = %v, want TrailNotFoundException (AWS wants the ARN)", err)
		}
	})
	t.Run("assume role", func(t *testing.T) {
		d := c.Dialer("111111111111")
		out, err := d.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole")})
		if err != nil {
			t.Fatal(err)
		}
		cr := out.Credentials
		conn := d.Assumed(awsread.Credentials{AccessKeyID: aws.ToString(cr.AccessKeyId)})
		if _, err := conn.CloudTrail("eu-west-1").DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}); err != nil {
			t.Errorf("assumed conn = %v", err)
		}
		if _, err := d.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/Missing")}); codeOf(err) != "AccessDenied" {
			t.Errorf("missing role = %v", err)
		}
		if _, err := d.Assumed(awsread.Credentials{AccessKeyID: "bogus"}).CloudTrail("eu-west-1").DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}); codeOf(err) != "UnrecognizedClientException" {
			t.Errorf("bogus credentials = %v", err)
		}
	})
}
