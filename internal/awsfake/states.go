package awsfake

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/rootwatch/rootwatch/internal/cis"
)

// Accounts and region the scripted states use.
const (
	StateManagement = "111111111111"
	StateMember     = "222222222222"
	StateRegion     = "eu-west-1"
)

// State is one scripted account state: a cloud built by Build, audited
// from StateManagement (with --org when Org). Tests that must hold for
// every account state (fix and audit agree) range over States, so a
// state added here is covered everywhere at once.
type State struct {
	Name  string
	Org   bool
	Build func(c *Cloud)
}

// States lists the scripted account states: a compliant chain, each link
// broken in each way the audit knows, encryption and subscription
// variants, unreadable links, an application team's topic beside the
// chain, the seeds' names, and organization shapes (organization trail,
// members, a member with its own broken chain, Control Tower).
func States() []State {
	m, r := StateManagement, StateRegion
	single := func(edit func(c *Cloud)) func(c *Cloud) {
		return func(c *Cloud) {
			c.AddAccount(m, "management")
			c.AddCISChain(m, r, false)
			edit(c)
		}
	}
	org := func(edit func(c *Cloud)) func(c *Cloud) {
		return func(c *Cloud) {
			c.AddAccount(m, "management")
			c.AddAccount(StateMember, "workload")
			c.SetOrganization("o-states", m)
			c.AddCISChain(m, r, true)
			edit(c)
		}
	}
	region := func(c *Cloud) *Region { return c.Accounts[m].Region(r) }
	trail := func(c *Cloud) *Trail { return c.Accounts[m].Trails[0] }
	alarm := func(c *Cloud) *cwtypes.MetricAlarm { return region(c).Alarms[cis.AlarmName] }
	topic := func(c *Cloud) *Topic { return region(c).Topics[c.TopicARN(m, r, ChainTopic)] }
	pattern := func(p string) func(c *Cloud) {
		return func(c *Cloud) {
			region(c).LogGroups[ChainLogGroup].Filters[cis.FilterName].FilterPattern = aws.String(p)
		}
	}
	key := func(policy string, state kmstypes.KeyState) func(c *Cloud) {
		return func(c *Cloud) {
			id := "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
			region(c).Keys[id] = &Key{Metadata: kmstypes.KeyMetadata{
				KeyId: aws.String(id), Arn: aws.String("arn:aws:kms:" + r + ":" + m + ":key/" + id),
				KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: state, Enabled: state == kmstypes.KeyStateEnabled,
			}, Policy: policy}
			region(c).Aliases["alias/root-alerts"] = id
			topic(c).Attributes["KmsMasterKeyId"] = "alias/root-alerts"
		}
	}
	owner := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + m + `:root"},"Action":"kms:*","Resource":"*"}`
	forCW := `{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}`
	noChain := func(c *Cloud) {
		delete(region(c).LogGroups[ChainLogGroup].Filters, cis.FilterName)
		delete(region(c).Alarms, cis.AlarmName)
		delete(region(c).Topics, c.TopicARN(m, r, ChainTopic))
	}
	return []State{
		{Name: "compliant", Build: single(func(*Cloud) {})},
		{Name: "no trail", Build: single(func(c *Cloud) { c.Accounts[m].Trails = nil })},
		{Name: "single-region trail", Build: single(func(c *Cloud) { trail(c).IsMultiRegionTrail = aws.Bool(false) })},
		{Name: "trail not logging", Build: single(func(c *Cloud) { trail(c).Logging = false })},
		{Name: "no cloudwatch logs delivery", Build: single(func(c *Cloud) {
			trail(c).CloudWatchLogsLogGroupArn, trail(c).CloudWatchLogsRoleArn = nil, nil
		})},
		{Name: "write-only selectors", Build: single(func(c *Cloud) {
			trail(c).EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}
		})},
		{Name: "log group deleted", Build: single(func(c *Cloud) { delete(region(c).LogGroups, ChainLogGroup) })},
		{Name: "filter deleted", Build: single(func(c *Cloud) { region(c).LogGroups[ChainLogGroup].Filters = map[string]*logtypes.MetricFilter{} })},
		{Name: "narrower pattern", Build: single(pattern(cis.RootUsagePattern[:len(cis.RootUsagePattern)-1] + `&& $.eventName = "ConsoleLogin" }`))},
		{Name: "reordered pattern", Build: single(pattern(`{$.eventType!="AwsServiceEvent"&&$.userIdentity.invokedBy NOT EXISTS&&$.userIdentity.type="Root"}`))},
		{Name: "root-only broader pattern", Build: single(pattern(`{ $.userIdentity.type = "Root" }`))},
		{Name: "pattern admitting non-root", Build: single(pattern(`{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS) || $.eventType != "AwsServiceEvent" }`))},
		{Name: "or pattern", Build: single(pattern(`{ ($.userIdentity.type = "Root" && $.eventName = "ConsoleLogin") || ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventName = "CreateUser") }`))},
		{Name: "alarm actions disabled", Build: single(func(c *Cloud) { alarm(c).ActionsEnabled = aws.Bool(false) })},
		{Name: "hourly alarm, actions disabled", Build: single(func(c *Cloud) {
			alarm(c).Period = aws.Int32(3600)
			alarm(c).ActionsEnabled = aws.Bool(false)
		})},
		{Name: "alarm wrong namespace", Build: single(func(c *Cloud) { alarm(c).Namespace = aws.String("LogMetrics") })},
		{Name: "alarm dimensions", Build: single(func(c *Cloud) {
			alarm(c).Dimensions = []cwtypes.Dimension{{Name: aws.String("Trail"), Value: aws.String("x")}}
		})},
		{Name: "slow alarm", Build: single(func(c *Cloud) { alarm(c).Period = aws.Int32(3600); alarm(c).Threshold = aws.Float64(5) })},
		{Name: "hourly alarm", Build: single(func(c *Cloud) { alarm(c).Period = aws.Int32(3600) })},
		{Name: "alarm without actions", Build: single(func(c *Cloud) { alarm(c).AlarmActions = nil })},
		{Name: "alarm deleted", Build: single(func(c *Cloud) { delete(region(c).Alarms, cis.AlarmName) })},
		{Name: "topic deleted", Build: single(func(c *Cloud) { delete(region(c).Topics, c.TopicARN(m, r, ChainTopic)) })},
		{Name: "topic policy shuts out cloudwatch", Build: single(func(c *Cloud) {
			topic(c).Attributes["Policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"OpsOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + m + `:role/ops"},"Action":"sns:Publish","Resource":"*"}]}`
		})},
		{Name: "aws-managed key", Build: single(func(c *Cloud) { topic(c).Attributes["KmsMasterKeyId"] = "alias/aws/sns" })},
		{Name: "customer key for cloudwatch", Build: single(key(`{"Version":"2012-10-17","Statement":[`+owner+`,`+forCW+`]}`, kmstypes.KeyStateEnabled))},
		{Name: "customer key cloudwatch may not use", Build: single(key(`{"Version":"2012-10-17","Statement":[`+owner+`]}`, kmstypes.KeyStateEnabled))},
		{Name: "customer key disabled", Build: single(key(`{"Version":"2012-10-17","Statement":[`+owner+`,`+forCW+`]}`, kmstypes.KeyStateDisabled))},
		{Name: "pending subscription only", Build: single(func(c *Cloud) {
			topic(c).Subscriptions[0].SubscriptionArn = aws.String(PendingConfirmationARN)
		})},
		{Name: "no subscription", Build: single(func(c *Cloud) { topic(c).Subscriptions = nil })},
		{Name: "no chain, an application team's topic and alarm", Build: single(func(c *Cloud) {
			noChain(c)
			AddAppTeam(c, m, r)
		})},
		{Name: "seeds' names, alarm in the wrong namespace", Build: single(func(c *Cloud) {
			noChain(c)
			seedTopic := c.TopicARN(m, r, "CIS-Alarms-Topic")
			region(c).Topics[seedTopic] = &Topic{Attributes: map[string]string{}, Subscriptions: []snstypes.Subscription{{
				SubscriptionArn: aws.String(seedTopic + ":1"), Protocol: aws.String("email"), Endpoint: aws.String(ChainEmail), Owner: aws.String(m)}}}
			region(c).Alarms["RootAccountUsageAlarm"] = &cwtypes.MetricAlarm{
				AlarmName: aws.String("RootAccountUsageAlarm"), AlarmArn: aws.String(c.AlarmARN(m, r, "RootAccountUsageAlarm")),
				MetricName: aws.String(cis.MetricName), Namespace: aws.String("LogMetrics"), Statistic: cwtypes.StatisticSum,
				Period: aws.Int32(300), Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
				EvaluationPeriods: aws.Int32(1), ActionsEnabled: aws.Bool(true), AlarmActions: []string{seedTopic}, StateValue: cwtypes.StateValueOk,
			}
		})},
		{Name: "metric filters unreadable", Build: single(func(c *Cloud) { c.Deny(m, "logs:DescribeMetricFilters") })},
		{Name: "subscriptions throttled for good", Build: single(func(c *Cloud) { c.Throttle(m, "sns:ListSubscriptionsByTopic", -1) })},
		{Name: "organization trail", Org: true, Build: org(func(*Cloud) {})},
		{Name: "organization trail, broken in the owner", Org: true, Build: org(func(c *Cloud) { alarm(c).ActionsEnabled = aws.Bool(false) })},
		{Name: "organization trail, no chain in the owner", Org: true, Build: org(noChain)},
		{Name: "organization trail, pending subscription", Org: true, Build: org(func(c *Cloud) {
			topic(c).Subscriptions[0].SubscriptionArn = aws.String(PendingConfirmationARN)
		})},
		{Name: "member with its own broken chain", Org: true, Build: func(c *Cloud) {
			c.AddAccount(m, "management")
			c.AddAccount(StateMember, "workload")
			c.SetOrganization("o-states", m)
			c.AddCISChain(m, r, false)
			c.AddCISChain(StateMember, r, false)
			delete(c.Accounts[StateMember].Region(r).LogGroups[ChainLogGroup].Filters, cis.FilterName)
		}},
		{Name: "control tower organization trail without a chain", Org: true, Build: org(func(c *Cloud) {
			noChain(c)
			t := trail(c)
			t.Name = aws.String("aws-controltower-BaselineCloudTrail")
			t.TrailARN = aws.String(c.TrailARN(m, r, "aws-controltower-BaselineCloudTrail"))
			t.CloudWatchLogsLogGroupArn = aws.String(c.LogGroupARN(m, r, "aws-controltower/CloudTrailLogs"))
			g := region(c).LogGroups[ChainLogGroup]
			delete(region(c).LogGroups, ChainLogGroup)
			g.Name = "aws-controltower/CloudTrailLogs"
			region(c).LogGroups[g.Name] = g
		})},
	}
}

// PendingConfirmationARN is the SubscriptionArn SNS shows for a
// subscription awaiting confirmation.
const PendingConfirmationARN = "PendingConfirmation"

// AppTeam names the application team's resources AddAppTeam makes.
const (
	AppTeamTopic = "app-ops"
	AppTeamAlarm = "app-5xx"
)

// AddAppTeam gives account an application team's working topic (CloudWatch
// may publish, a confirmed email subscriber) and the team's alarm on its
// own metric, which notifies it: resources rootwatch must never touch.
func AddAppTeam(c *Cloud, account, region string) {
	r := c.Accounts[account].Region(region)
	arn := c.TopicARN(account, region, AppTeamTopic)
	r.Topics[arn] = &Topic{Attributes: map[string]string{}, Subscriptions: []snstypes.Subscription{{
		SubscriptionArn: aws.String(arn + ":7a0c1d2e-0000-4000-8000-000000000002"),
		Protocol:        aws.String("email"), Endpoint: aws.String("app-team@example.com"), Owner: aws.String(account),
	}}}
	r.Alarms[AppTeamAlarm] = &cwtypes.MetricAlarm{
		AlarmName: aws.String(AppTeamAlarm), AlarmArn: aws.String(c.AlarmARN(account, region, AppTeamAlarm)),
		MetricName: aws.String("HTTPCode_Target_5XX_Count"), Namespace: aws.String("AWS/ApplicationELB"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), Threshold: aws.Float64(10),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, EvaluationPeriods: aws.Int32(1),
		ActionsEnabled: aws.Bool(true), AlarmActions: []string{arn}, StateValue: cwtypes.StateValueOk,
	}
}
