package e2e

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
)

// compliant is one account with the whole CIS 4.3 chain in home.
func compliant() *awsfake.Cloud {
	c := awsfake.New()
	c.PageSize = 2 // lists page over the wire
	c.AddAccount(mgmt, "management")
	c.AddCISChain(mgmt, home, false)
	return c
}

// organization is a management account whose organization trail covers
// a member that has no chain of its own, and a suspended member.
func organization() *awsfake.Cloud {
	c := awsfake.New()
	c.PageSize = 2
	c.AddAccount(mgmt, "management")
	c.AddAccount(member, "workload")
	c.AddAccount("333333333333", "closed").Status = "SUSPENDED"
	c.SetOrganization("o-e2eexample", mgmt)
	c.AddCISChain(mgmt, home, true)
	return c
}

// The edits below break one link of a compliant chain, as the judged
// account states do.

func trailOf(c *awsfake.Cloud) *awsfake.Trail { return c.Accounts[mgmt].Trails[0] }
func regionOf(c *awsfake.Cloud) *awsfake.Region {
	return c.Accounts[mgmt].Region(home)
}
func alarmOf(c *awsfake.Cloud) *cwtypes.MetricAlarm { return regionOf(c).Alarms[cis.AlarmName] }
func topicOf(c *awsfake.Cloud) *awsfake.Topic {
	return regionOf(c).Topics[c.TopicARN(mgmt, home, awsfake.ChainTopic)]
}
func setPattern(c *awsfake.Cloud, p string) {
	regionOf(c).LogGroups[awsfake.ChainLogGroup].Filters[cis.FilterName].FilterPattern = aws.String(p)
}

var (
	noTrail      = func(c *awsfake.Cloud) { c.Accounts[mgmt].Trails = nil }
	singleRegion = func(c *awsfake.Cloud) { trailOf(c).IsMultiRegionTrail = aws.Bool(false) }
	notLogging   = func(c *awsfake.Cloud) { trailOf(c).Logging = false }
	noDelivery   = func(c *awsfake.Cloud) {
		trailOf(c).CloudWatchLogsLogGroupArn = nil
		trailOf(c).CloudWatchLogsRoleArn = nil
	}
	writeOnly = func(c *awsfake.Cloud) {
		trailOf(c).EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}
	}
	advanced = func(c *awsfake.Cloud) {
		trailOf(c).AdvancedEventSelectors = []cttypes.AdvancedEventSelector{{Name: aws.String("management"), FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}}
	}
	noLogGroup = func(c *awsfake.Cloud) { delete(regionOf(c).LogGroups, awsfake.ChainLogGroup) }
	narrower   = func(c *awsfake.Cloud) {
		setPattern(c, cis.RootUsagePattern[:len(cis.RootUsagePattern)-1]+`&& $.eventName = "ConsoleLogin" }`)
	}
	reordered = func(c *awsfake.Cloud) {
		setPattern(c, `{$.eventType!="AwsServiceEvent"&&$.userIdentity.invokedBy NOT EXISTS&&$.userIdentity.type="Root"}`)
	}
	broader   = func(c *awsfake.Cloud) { setPattern(c, `{ $.userIdentity.type = "Root" }`) }
	orPattern = func(c *awsfake.Cloud) {
		setPattern(c, `{ ($.userIdentity.type = "Root" && $.eventName = "ConsoleLogin") || ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventName = "CreateUser") }`)
	}
	// countsEveryCall is the example: broader than CIS, and it
	// admits every non-service event, so the alarm sits in ALARM.
	countsEveryCall = func(c *awsfake.Cloud) {
		setPattern(c, `{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS) || $.eventType != "AwsServiceEvent" }`)
	}
	hourlyAlarm    = func(c *awsfake.Cloud) { alarmOf(c).Period = aws.Int32(3600) }
	actionsOff     = func(c *awsfake.Cloud) { alarmOf(c).ActionsEnabled = aws.Bool(false) }
	wrongNamespace = func(c *awsfake.Cloud) { alarmOf(c).Namespace = aws.String("LogMetrics") }
	dimensions     = func(c *awsfake.Cloud) {
		alarmOf(c).Dimensions = []cwtypes.Dimension{{Name: aws.String("Trail"), Value: aws.String("x")}}
	}
	slowAlarm     = func(c *awsfake.Cloud) { alarmOf(c).Period = aws.Int32(3600); alarmOf(c).Threshold = aws.Float64(5) }
	noActions     = func(c *awsfake.Cloud) { alarmOf(c).AlarmActions = nil }
	awsManagedKey = func(c *awsfake.Cloud) { topicOf(c).Attributes["KmsMasterKeyId"] = "alias/aws/sns" }
	pendingOnly   = func(c *awsfake.Cloud) {
		topicOf(c).Subscriptions[0].SubscriptionArn = aws.String("PendingConfirmation")
	}
)

// cmkFor encrypts the topic with a customer managed key with policy.
func cmkFor(policy string) func(c *awsfake.Cloud) {
	return func(c *awsfake.Cloud) {
		id := "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
		regionOf(c).Keys[id] = &awsfake.Key{Metadata: kmstypes.KeyMetadata{
			KeyId: aws.String(id), Arn: aws.String("arn:aws:kms:" + home + ":" + mgmt + ":key/" + id),
			KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled, Enabled: true,
		}, Policy: policy}
		regionOf(c).Aliases["alias/root-alerts"] = id
		topicOf(c).Attributes["KmsMasterKeyId"] = "alias/root-alerts"
	}
}

var (
	cmkForCloudWatch = cmkFor(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt + `:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`)
	cmkOwnerOnly = cmkFor(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt + `:root"},"Action":"kms:*","Resource":"*"}]}`)
)
