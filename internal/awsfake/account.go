package awsfake

import (
	"fmt"
	"time"

	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// DefaultRegions are the 17 regions enabled by default in every account.
var DefaultRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"ca-central-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-southeast-1", "ap-southeast-2",
}

// Account is one AWS account.
type Account struct {
	ID, Name, Email string
	// Status is the Organizations status; empty means ACTIVE.
	Status string
	// Regions are the enabled regions.
	Regions []string
	// Roles are the IAM role names that can be assumed by the
	// organization's management account.
	Roles map[string]bool
	// Trails are the trails this account owns, in any home region.
	Trails []*Trail
	// Regional holds the per-region resources.
	Regional map[string]*Region
	// IAMRoles are roles created through the IAM client (write_iam.go),
	// by name.
	IAMRoles map[string]*IAMRole
}

// Trail is a trail with what GetTrailStatus and GetEventSelectors report.
type Trail struct {
	cttypes.Trail
	Logging                bool
	EventSelectors         []cttypes.EventSelector
	AdvancedEventSelectors []cttypes.AdvancedEventSelector

	LatestCloudWatchLogsDeliveryTime  *time.Time
	LatestCloudWatchLogsDeliveryError string
	LatestDeliveryError               string
}

// Region is an account's resources in one region.
type Region struct {
	LogGroups map[string]*LogGroup            // by name
	Alarms    map[string]*cwtypes.MetricAlarm // by name
	Topics    map[string]*Topic               // by ARN
	Keys      map[string]*Key                 // by key ID
	Aliases   map[string]string               // "alias/x" -> key ID
	Rules     map[string]*Rule                // by name
	// AlarmHistory is DescribeAlarmHistory's data, by alarm name
	// (write_cloudwatch.go).
	AlarmHistory map[string][]cwtypes.AlarmHistoryItem
	// Tags are the tags of taggable resources, by ARN (write_*.go).
	Tags map[string]map[string]string
	// Schedules are EventBridge Scheduler schedules, by "GROUP/NAME"
	// (write_scheduler.go).
	Schedules map[string]*Schedule
}

// LogGroup is a CloudWatch Logs group and its metric filters.
type LogGroup struct {
	Name    string
	Created time.Time
	Filters map[string]*logtypes.MetricFilter // by filter name
}

// Topic is an SNS topic.
type Topic struct {
	// Attributes as GetTopicAttributes returns them (Policy,
	// KmsMasterKeyId, ...); TopicArn and Owner are filled in on read.
	Attributes    map[string]string
	Subscriptions []snstypes.Subscription
}

// Key is a KMS key and its default key policy.
type Key struct {
	Metadata kmstypes.KeyMetadata
	Policy   string
}

// Rule is an EventBridge rule on the default bus with its targets.
type Rule struct {
	Rule    ebtypes.Rule
	Targets []ebtypes.Target
}

// AddAccount adds an account with the default regions enabled and the
// OrganizationAccountAccessRole present.
func (c *Cloud) AddAccount(id, name string) *Account {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := &Account{
		ID: id, Name: name, Email: name + "@example.com",
		Regions:  append([]string(nil), DefaultRegions...),
		Roles:    map[string]bool{"OrganizationAccountAccessRole": true},
		Regional: map[string]*Region{},
	}
	c.Accounts[id] = a
	return a
}

// Region returns the account's resources in region, creating them.
func (a *Account) Region(region string) *Region {
	r, ok := a.Regional[region]
	if !ok {
		r = &Region{
			LogGroups: map[string]*LogGroup{},
			Alarms:    map[string]*cwtypes.MetricAlarm{},
			Topics:    map[string]*Topic{},
			Keys:      map[string]*Key{},
			Aliases:   map[string]string{},
			Rules:     map[string]*Rule{},
		}
		a.Regional[region] = r
	}
	return r
}

// TrailARN, LogGroupARN, TopicARN build ARNs the way AWS prints them.
func (c *Cloud) TrailARN(account, region, name string) string {
	return fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", c.partition(), region, account, name)
}

// LogGroupARN is the form trails carry (ending in ":*").
func (c *Cloud) LogGroupARN(account, region, name string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s:*", c.partition(), region, account, name)
}

// TopicARN is an SNS topic ARN.
func (c *Cloud) TopicARN(account, region, name string) string {
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", c.partition(), region, account, name)
}

// AlarmARN is a CloudWatch alarm ARN.
func (c *Cloud) AlarmARN(account, region, name string) string {
	return fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", c.partition(), region, account, name)
}

// lookup returns the account or an error as AWS would give for bad
// credentials. Callers hold c.mu.
func (c *Cloud) lookup(id string) (*Account, error) {
	a, ok := c.Accounts[id]
	if !ok {
		return nil, apiError("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	return a, nil
}
