package awsfake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/rootwatch/rootwatch/internal/cis"
)

// Names AddCISChain uses.
const (
	ChainTrail    = "management-events"
	ChainLogGroup = "aws-cloudtrail-logs"
	ChainTopic    = "security-alerts"
	ChainEmail    = "security@example.com"
)

// SetOrganization puts every account into one organization managed by
// management.
func (c *Cloud) SetOrganization(id, management string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Org = &Organization{ID: id, ManagementAccount: management}
}

// PlaceInOU puts child (an account or an OU) under parent (an OU or the
// root); the organization must be set.
func (c *Cloud) PlaceInOU(child, parent string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Org.Parent == nil {
		c.Org.Parent = map[string]string{}
	}
	c.Org.Parent[child] = parent
}

// AddCISChain builds a complete, compliant CIS 4.3 chain in account with
// its home region: a multi-region logging trail delivering to a log
// group, the CIS metric filter, the alarm, a topic and one confirmed
// email subscription. organization makes the trail an organization trail.
// Tests then break one link at a time.
func (c *Cloud) AddCISChain(account, region string, organization bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.Accounts[account]
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	r := a.Region(region)
	a.Trails = append(a.Trails, &Trail{
		Trail: cttypes.Trail{
			Name:                       aws.String(ChainTrail),
			TrailARN:                   aws.String(c.TrailARN(account, region, ChainTrail)),
			HomeRegion:                 aws.String(region),
			IsMultiRegionTrail:         aws.Bool(true),
			IsOrganizationTrail:        aws.Bool(organization),
			IncludeGlobalServiceEvents: aws.Bool(true),
			S3BucketName:               aws.String("cloudtrail-" + account),
			CloudWatchLogsLogGroupArn:  aws.String(c.LogGroupARN(account, region, ChainLogGroup)),
			CloudWatchLogsRoleArn:      aws.String("arn:aws:iam::" + account + ":role/CloudTrail_CloudWatchLogs"),
		},
		Logging:                          true,
		LatestCloudWatchLogsDeliveryTime: &now,
	})
	r.LogGroups[ChainLogGroup] = &LogGroup{
		Name: ChainLogGroup, Created: now,
		Filters: map[string]*logtypes.MetricFilter{cis.FilterName: {
			FilterName:    aws.String(cis.FilterName),
			FilterPattern: aws.String(cis.RootUsagePattern),
			MetricTransformations: []logtypes.MetricTransformation{{
				MetricName: aws.String(cis.MetricName), MetricNamespace: aws.String(cis.MetricNamespace), MetricValue: aws.String(cis.MetricValue),
			}},
		}},
	}
	topic := c.TopicARN(account, region, ChainTopic)
	r.Topics[topic] = &Topic{
		Attributes: map[string]string{},
		Subscriptions: []snstypes.Subscription{{
			SubscriptionArn: aws.String(topic + ":6f1b2c3d-0000-4000-8000-000000000001"),
			Protocol:        aws.String("email"), Endpoint: aws.String(ChainEmail), Owner: aws.String(account),
		}},
	}
	r.Alarms[cis.AlarmName] = &cwtypes.MetricAlarm{
		AlarmName:          aws.String(cis.AlarmName),
		AlarmArn:           aws.String(c.AlarmARN(account, region, cis.AlarmName)),
		MetricName:         aws.String(cis.MetricName),
		Namespace:          aws.String(cis.MetricNamespace),
		Statistic:          cwtypes.Statistic(cis.AlarmStatistic),
		Period:             aws.Int32(cis.AlarmPeriod),
		Threshold:          aws.Float64(cis.AlarmThreshold),
		ComparisonOperator: cwtypes.ComparisonOperator(cis.AlarmComparison),
		EvaluationPeriods:  aws.Int32(cis.EvaluationPeriods),
		TreatMissingData:   aws.String("notBreaching"),
		ActionsEnabled:     aws.Bool(true),
		AlarmActions:       []string{topic},
		StateValue:         cwtypes.StateValueOk,
	}
}

// Edit runs fn with the state locked, for tests that break a link of a
// chain built by AddCISChain while clients may be in use.
func (c *Cloud) Edit(fn func(c *Cloud)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(c)
}
