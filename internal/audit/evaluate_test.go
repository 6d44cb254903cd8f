package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

const (
	acct   = "111122223333"
	member = "444455556666"
	region = "eu-west-1"
)

var (
	trailARN = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"
	lgARN    = "arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail:*"
	topicARN = "arn:aws:sns:eu-west-1:111122223333:alerts"
	alarmARN = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:RootAccountUsage"
)

// goodAccount is a literal account whose chain holds end to end.
func goodAccount() inventory.Account {
	return inventory.Account{
		ID: acct, Name: "management", Status: inventory.StatusActive,
		Regions: []string{region, "us-east-1"},
		Trails: []inventory.Trail{{
			ARN: trailARN, Name: "main", HomeRegion: region, OwnerAccount: acct, IsMultiRegion: true,
			LogGroupARN: lgARN, RoleARN: "arn:aws:iam::111122223333:role/ct",
			Status:    &inventory.TrailStatus{IsLogging: true, LatestCloudWatchLogsDelivery: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)},
			Selectors: &inventory.Selectors{Basic: []inventory.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}},
		}},
		LogGroups: []inventory.LogGroup{{
			ARN: lgARN, Name: "cloudtrail", Region: region, Found: true,
			MetricFilters: []inventory.MetricFilter{{
				Name: "RootAccountUsage", Pattern: cis.RootUsagePattern,
				Transformations: []inventory.MetricTransformation{{MetricName: cis.MetricName, MetricNamespace: cis.MetricNamespace, MetricValue: "1"}},
			}},
		}},
		AlarmRegions: []string{region},
		Alarms: []inventory.Alarm{{
			Name: "RootAccountUsage", ARN: alarmARN, Region: region,
			MetricName: cis.MetricName, Namespace: cis.MetricNamespace, Statistic: "Sum", Period: 300, Threshold: 1,
			ComparisonOperator: "GreaterThanOrEqualToThreshold", EvaluationPeriods: 1, ActionsEnabled: true,
			AlarmActions: []string{topicARN}, StateValue: "OK",
		}},
		Topics: []inventory.Topic{{
			ARN: topicARN, Region: region, Found: true,
			Policy:        `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`,
			Subscriptions: []inventory.Subscription{{ARN: topicARN + ":abc", Protocol: "email", Endpoint: "sec@example.com"}},
		}},
	}
}

func snap(accts ...inventory.Account) *inventory.Snapshot {
	return &inventory.Snapshot{Caller: acct, Accounts: accts, CollectedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
}

func linkOf(t *testing.T, r AccountResult, name string) Link {
	t.Helper()
	for _, l := range r.Links {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no link %s in %+v", name, r.Links)
	return Link{}
}

const cmkPolicy = `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`

func TestEvaluateLinks(t *testing.T) {
	denied := func(action string) *inventory.ReadError {
		return &inventory.ReadError{Action: action, Code: "AccessDeniedException", Kind: inventory.Denied}
	}
	tests := []struct {
		name   string
		mutate func(a *inventory.Account)
		link   string
		status Status
		detail string // substring of the link's detail or of its warnings (code and message)
	}{
		{"compliant", func(*inventory.Account) {}, LinkSubscription, Pass, "1 confirmed"},
		// trail
		{"no trail", func(a *inventory.Account) { a.Trails = nil }, LinkTrail, Fail, "no trail covers"},
		{"no trail, listing denied", func(a *inventory.Account) {
			a.Trails = nil
			a.RegionErrors = []inventory.RegionError{{Region: "us-east-1", Listing: inventory.ListTrails, Err: denied("cloudtrail:DescribeTrails")}}
		}, LinkTrail, Unknown, "missing permission cloudtrail:DescribeTrails"},
		{"single region", func(a *inventory.Account) { a.Trails[0].IsMultiRegion = false }, LinkTrail, Fail, "not multi-region"},
		{"not logging", func(a *inventory.Account) { a.Trails[0].Status.IsLogging = false }, LinkTrail, Fail, "logging is stopped"},
		{"status denied", func(a *inventory.Account) {
			a.Trails[0].Status, a.Trails[0].StatusError = nil, denied("cloudtrail:GetTrailStatus")
		}, LinkTrail, Unknown, "missing permission cloudtrail:GetTrailStatus"},
		{"write only", func(a *inventory.Account) { a.Trails[0].Selectors.Basic[0].ReadWriteType = "WriteOnly" }, LinkTrail, Fail, "write-only"},
		{"no management events", func(a *inventory.Account) { a.Trails[0].Selectors.Basic[0].IncludeManagementEvents = false }, LinkTrail, Fail, "no management events"},
		{"read and write in two selectors", func(a *inventory.Account) {
			a.Trails[0].Selectors.Basic = []inventory.EventSelector{{ReadWriteType: "ReadOnly", IncludeManagementEvents: true}, {ReadWriteType: "WriteOnly", IncludeManagementEvents: true}}
		}, LinkTrail, Pass, "read and write"},
		{"advanced selectors", func(a *inventory.Account) {
			a.Trails[0].Selectors = &inventory.Selectors{Advanced: []inventory.AdvancedSelector{{Name: "mgmt", Fields: []inventory.SelectorField{{Field: "eventCategory", Equals: []string{"Management"}}}}}}
		}, LinkTrail, Pass, "read and write"},
		{"advanced selectors read only", func(a *inventory.Account) {
			a.Trails[0].Selectors = &inventory.Selectors{Advanced: []inventory.AdvancedSelector{{Fields: []inventory.SelectorField{{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "readOnly", Equals: []string{"true"}}}}}}
		}, LinkTrail, Fail, "read-only"},
		{"advanced selectors data only", func(a *inventory.Account) {
			a.Trails[0].Selectors = &inventory.Selectors{Advanced: []inventory.AdvancedSelector{{Fields: []inventory.SelectorField{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}}}}}
		}, LinkTrail, Fail, "no management events"},
		{"advanced selectors exclude kms", func(a *inventory.Account) {
			a.Trails[0].Selectors = &inventory.Selectors{Advanced: []inventory.AdvancedSelector{{Fields: []inventory.SelectorField{{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}}}}}}
		}, LinkTrail, Pass, "kms.amazonaws.com are excluded"},
		{"no cloudwatch logs", func(a *inventory.Account) { a.Trails[0].LogGroupARN = "" }, LinkTrail, Fail, "does not deliver to CloudWatch Logs"},
		{"delivery error", func(a *inventory.Account) {
			a.Trails[0].Status.LatestCloudWatchLogsDeliveryError = "AccessDenied"
		}, LinkTrail, Fail, "delivery fails: AccessDenied"},
		// log group
		{"log group missing", func(a *inventory.Account) { a.LogGroups[0].Found = false; a.LogGroups[0].MetricFilters = nil }, LinkLogGroup, Fail, "does not exist"},
		{"log group denied", func(a *inventory.Account) {
			a.LogGroups[0] = inventory.LogGroup{ARN: lgARN, Name: "cloudtrail", Region: region, Error: denied("logs:DescribeLogGroups")}
		}, LinkLogGroup, Unknown, "missing permission logs:DescribeLogGroups"},
		{"log group in another region", func(a *inventory.Account) {
			a.Trails[0].LogGroupARN = "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail:*"
		}, LinkLogGroup, Fail, "not in the trail's home region"},
		// metric filter
		{"no filter", func(a *inventory.Account) { a.LogGroups[0].MetricFilters = nil }, LinkMetricFilter, Fail, "no metric filter"},
		{"filters denied", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters, a.LogGroups[0].FiltersError = nil, denied("logs:DescribeMetricFilters")
		}, LinkMetricFilter, Unknown, "missing permission logs:DescribeMetricFilters"},
		{"reordered pattern", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{($.eventType != "AwsServiceEvent") && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = "Root")}`
		}, LinkMetricFilter, Pass, "filter-not-cis-literal"},
		{"respaced literal", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`
		}, LinkMetricFilter, Pass, "CIS-literal"},
		// CIS ⊆ P ⊆ {type = Root}: broader but root-only passes with a
		// warning that names a root event CIS leaves out.
		{"broader root-only pattern", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.userIdentity.type = "Root" }`
		}, LinkMetricFilter, Pass, `filter-broader-root-only pattern counts every CIS event and also root events CIS leaves out (made on root's behalf by an AWS service: invokedBy set, or AwsServiceEvent), e.g. {"userIdentity":{"type":"Root","invokedBy":`},
		{"broader root-only pattern without eventType", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }`
		}, LinkMetricFilter, Pass, `"eventType":"AwsServiceEvent"`},
		// The pattern: broader than CIS and counts every API call.
		{"broad pattern admitting non-root events", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS) || $.eventType != "AwsServiceEvent" }`
		}, LinkMetricFilter, Fail, `pattern counts events that are not root's, so ordinary activity raises the alarm and a root use then causes no new notification; it counts e.g. {"userIdentity":{"type":"IAMUser"`},
		{"match-everything pattern", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.eventVersion = * }`
		}, LinkMetricFilter, Fail, "counts events that are not root's"},
		{"unparseable pattern is unknown", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.userIdentity.type = `
		}, LinkMetricFilter, Unknown, "cannot be judged"},
		{"filter default value counts other events", func(a *inventory.Account) {
			one := 1.0
			a.LogGroups[0].MetricFilters[0].Transformations[0].DefaultValue = &one
		}, LinkMetricFilter, Fail, "default value 1 is published for every log event the pattern does not match"},
		{"narrower pattern", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.eventName = "ConsoleLogin" }`
		}, LinkMetricFilter, Fail, "narrower"},
		{"or pattern", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.userIdentity.type = "Root" || $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
		}, LinkMetricFilter, Fail, "counts events that are not root's"},
		{"wrong field", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ $.userIdentity.type = "IAMUser" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
		}, LinkMetricFilter, Fail, "misses e.g."},
		{"metric value zero", func(a *inventory.Account) { a.LogGroups[0].MetricFilters[0].Transformations[0].MetricValue = "0" }, LinkMetricFilter, Fail, "not a positive number"},
		{"filter dimensions", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Transformations[0].Dimensions = map[string]string{"user": "$.userIdentity.arn"}
		}, LinkMetricFilter, Fail, "published with dimensions"},
		// alarm
		{"no alarm", func(a *inventory.Account) { a.Alarms = nil }, LinkAlarm, Fail, "no alarm on metric CISBenchmark/RootAccountUsage"},
		{"alarms denied", func(a *inventory.Account) {
			a.Alarms, a.AlarmRegions = nil, nil
			a.RegionErrors = []inventory.RegionError{{Region: region, Listing: inventory.ListAlarms, Err: denied("cloudwatch:DescribeAlarms")}}
		}, LinkAlarm, Unknown, "missing permission cloudwatch:DescribeAlarms"},
		{"wrong namespace", func(a *inventory.Account) { a.Alarms[0].Namespace = "LogMetrics" }, LinkAlarm, Fail, "in namespace LogMetrics"},
		{"alarm dimensions", func(a *inventory.Account) {
			a.Alarms[0].Dimensions = []inventory.Dimension{{Name: "Account", Value: acct}}
		}, LinkAlarm, Fail, "has dimensions Account="},
		{"actions disabled", func(a *inventory.Account) { a.Alarms[0].ActionsEnabled = false }, LinkAlarm, Fail, "actions are disabled"},
		{"actions disabled until a schedule re-enables them", func(a *inventory.Account) {
			a.Alarms[0].ActionsEnabled = false
			a.Alarms[0].Reenable = &inventory.Reenable{Schedule: "rootwatch-reenable-x", At: time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)}
		}, LinkAlarm, Fail, "actions are disabled until 2026-12-01T14:00:00Z (rootwatch's schedule rootwatch-reenable-x re-enables them then)"},
		{"actions disabled, schedule overdue", func(a *inventory.Account) {
			a.Alarms[0].ActionsEnabled = false
			a.Alarms[0].Reenable = &inventory.Reenable{Schedule: "rootwatch-reenable-x", At: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
		}, LinkAlarm, Fail, "was due to re-enable them at 2026-12-01T09:00:00Z and has not"},
		{"actions disabled, schedule unreadable", func(a *inventory.Account) {
			a.Alarms[0].ActionsEnabled = false
			a.Alarms[0].Reenable = &inventory.Reenable{Schedule: "rootwatch-reenable-x", Err: denied("scheduler:GetSchedule")}
		}, LinkAlarm, Fail, "whether and when rootwatch's schedule rootwatch-reenable-x re-enables them is unknown (could not look: missing permission scheduler:GetSchedule)"},
		{"threshold too high", func(a *inventory.Account) { a.Alarms[0].Threshold = 5 }, LinkAlarm, Fail, "does not fire on a single event"},
		{"greater than 1", func(a *inventory.Account) { a.Alarms[0].ComparisonOperator = "GreaterThanThreshold" }, LinkAlarm, Fail, "does not fire"},
		{"greater than 0", func(a *inventory.Account) {
			a.Alarms[0].ComparisonOperator, a.Alarms[0].Threshold = "GreaterThanThreshold", 0
		}, LinkAlarm, Pass, "Sum > 0"},
		{"less than", func(a *inventory.Account) { a.Alarms[0].ComparisonOperator = "LessThanThreshold" }, LinkAlarm, Fail, "does not fire"},
		{"two of three datapoints", func(a *inventory.Account) {
			a.Alarms[0].EvaluationPeriods, a.Alarms[0].DatapointsToAlarm = 3, 2
		}, LinkAlarm, Fail, "2 breaching datapoints out of 3"},
		{"one of three datapoints", func(a *inventory.Account) {
			a.Alarms[0].EvaluationPeriods, a.Alarms[0].DatapointsToAlarm = 3, 1
		}, LinkAlarm, Pass, "1 of 3"},
		// CIS and Security Hub CloudWatch.1 do not check the period; one
		// event still makes the hourly Sum 1.
		{"long period", func(a *inventory.Account) { a.Alarms[0].Period = 3600 }, LinkAlarm, Pass, "alarm-period-over-300s its period is 3600 s: one root event still fires it"},
		{"in alarm for days", func(a *inventory.Account) {
			a.Alarms[0].StateValue, a.Alarms[0].StateUpdated = "ALARM", time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		}, LinkAlarm, Pass, "alarm-in-alarm-state it has been in ALARM since 2026-11-20T09:00:00Z (11 days): CloudWatch notifies on a state change"},
		{"in alarm, time unknown", func(a *inventory.Account) { a.Alarms[0].StateValue = "ALARM" }, LinkAlarm, Pass, "it has been in ALARM: CloudWatch"},
		{"treat missing data ignore", func(a *inventory.Account) { a.Alarms[0].TreatMissingData = "ignore" }, LinkAlarm, Pass, "alarm-treat-missing-data treatMissingData is ignore"},
		{"treat missing data breaching", func(a *inventory.Account) { a.Alarms[0].TreatMissingData = "breaching" }, LinkAlarm, Pass, "treatMissingData is breaching"},
		{"unencrypted topic", func(*inventory.Account) {}, LinkTopic, Pass, "topic-not-encrypted"},
		{"email only", func(*inventory.Account) {}, LinkSubscription, Pass, "subscriptions-email-only"},
		{"maximum statistic", func(a *inventory.Account) { a.Alarms[0].Statistic = "Maximum" }, LinkAlarm, Pass, "Maximum >= 1"},
		{"wrong unit", func(a *inventory.Account) { a.Alarms[0].Unit = "Seconds" }, LinkAlarm, Fail, "unit Seconds"},
		// topic
		{"no actions", func(a *inventory.Account) { a.Alarms[0].AlarmActions = nil }, LinkTopic, Fail, "no SNS topic action"},
		{"topic missing", func(a *inventory.Account) { a.Topics[0] = inventory.Topic{ARN: topicARN, Region: region} }, LinkTopic, Fail, "does not exist"},
		{"topic denied", func(a *inventory.Account) {
			a.Topics[0] = inventory.Topic{ARN: topicARN, Region: region, Error: denied("sns:GetTopicAttributes")}
		}, LinkTopic, Unknown, "missing permission sns:GetTopicAttributes"},
		{"policy denies cloudwatch", func(a *inventory.Account) {
			a.Topics[0].Policy = `{"Statement":[{"Sid":"owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sns:*","Resource":"*"}]}`
		}, LinkTopic, Fail, "does not let CloudWatch publish"},
		{"policy explicit deny", func(a *inventory.Account) {
			a.Topics[0].Policy = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"*"},{"Sid":"nocw","Effect":"Deny","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"*"}]}`
		}, LinkTopic, Fail, `statement "nocw" denies`},
		{"policy for cloudwatch service", func(a *inventory.Account) {
			a.Topics[0].Policy = `{"Statement":{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topicARN + `","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*"}}}}`
		}, LinkTopic, Pass, "CloudWatch may publish"},
		{"aws managed key", func(a *inventory.Account) { a.Topics[0].KMSMasterKeyID = "alias/aws/sns" }, LinkTopic, Fail, "AWS-managed key alias/aws/sns"},
		{"customer key allowing cloudwatch", func(a *inventory.Account) {
			a.Topics[0].KMSMasterKeyID = "alias/alerts"
			a.Keys = []inventory.Key{{Ref: "alias/alerts", Region: region, Found: true, Manager: "CUSTOMER", State: "Enabled", Policy: cmkPolicy}}
		}, LinkTopic, Pass, "which CloudWatch may use"},
		{"customer key with source conditions", func(a *inventory.Account) {
			a.Topics[0].KMSMasterKeyID = "alias/alerts"
			a.Keys = []inventory.Key{{Ref: "alias/alerts", Region: region, Found: true, Manager: "CUSTOMER", State: "Enabled",
				Policy: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*"}}}]}`}}
		}, LinkTopic, Pass, "which CloudWatch may use"},
		{"customer key without cloudwatch", func(a *inventory.Account) {
			a.Topics[0].KMSMasterKeyID = "alias/alerts"
			a.Keys = []inventory.Key{{Ref: "alias/alerts", Region: region, Found: true, Manager: "CUSTOMER", State: "Enabled",
				Policy: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`}}
		}, LinkTopic, Fail, "does not let cloudwatch.amazonaws.com use the key"},
		{"customer key disabled", func(a *inventory.Account) {
			a.Topics[0].KMSMasterKeyID = "alias/alerts"
			a.Keys = []inventory.Key{{Ref: "alias/alerts", Region: region, Found: true, Manager: "CUSTOMER", State: "Disabled", Policy: cmkPolicy}}
		}, LinkTopic, Fail, "is Disabled"},
		{"key policy denied", func(a *inventory.Account) {
			a.Topics[0].KMSMasterKeyID = "alias/alerts"
			a.Keys = []inventory.Key{{Ref: "alias/alerts", Region: region, Found: true, Manager: "CUSTOMER", State: "Enabled", PolicyError: denied("kms:GetKeyPolicy")}}
		}, LinkTopic, Unknown, "missing permission kms:GetKeyPolicy"},
		// subscription
		{"only pending", func(a *inventory.Account) {
			a.Topics[0].Subscriptions = []inventory.Subscription{{ARN: "PendingConfirmation", Protocol: "email", Endpoint: "sec@example.com"}}
		}, LinkSubscription, Fail, "1 pending confirmation, not counted"},
		{"no subscriptions", func(a *inventory.Account) { a.Topics[0].Subscriptions = nil }, LinkSubscription, Fail, "no confirmed subscription"},
		{"confirmed and pending", func(a *inventory.Account) {
			a.Topics[0].Subscriptions = append(a.Topics[0].Subscriptions, inventory.Subscription{ARN: "PendingConfirmation", Protocol: "https", Endpoint: "https://hooks.example.com/T000/secret-token"})
		}, LinkSubscription, Pass, "https:https://hooks.example.com/…"},
		{"subscriptions denied", func(a *inventory.Account) {
			a.Topics[0].Subscriptions, a.Topics[0].SubscriptionsError = nil, denied("sns:ListSubscriptionsByTopic")
		}, LinkSubscription, Unknown, "missing permission sns:ListSubscriptionsByTopic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodAccount()
			tt.mutate(&a)
			r := Evaluate(snap(a))
			res := r.Accounts[0]
			l := linkOf(t, res, tt.link)
			if text := l.Detail + " " + warningText(l); l.Status != tt.status || !strings.Contains(text, tt.detail) {
				t.Fatalf("%s = %s %q, want %s containing %q\nall links: %+v", tt.link, l.Status, l.Detail, tt.status, tt.detail, res.Links)
			}
			if strings.Contains(l.Detail, "secret-token") {
				t.Errorf("detail leaks a webhook secret: %s", l.Detail)
			}
			if len(res.Links) != len(LinkNames) {
				t.Errorf("links = %d, want %d", len(res.Links), len(LinkNames))
			}
			if l.Status == Fail && l.Fix == "" {
				t.Errorf("FAIL link %s has no fix", l.Name)
			}
			wantAccount := tt.status
			if tt.status == Pass && tt.link != LinkSubscription {
				wantAccount = res.Status // other links decide
			}
			if res.Status != wantAccount {
				t.Errorf("account status = %s, want %s", res.Status, wantAccount)
			}
		})
	}
}

func warningText(l Link) string {
	var b strings.Builder
	for _, w := range l.Warnings {
		b.WriteString(w.Code + " " + w.Message + " ")
	}
	return b.String()
}

func TestEvaluateOrganizationTrail(t *testing.T) {
	mgmt := goodAccount()
	mgmt.Trails[0].IsOrganizationTrail = true
	orgTrail := mgmt.Trails[0]
	// The member sees the organization trail as a shadow trail; the
	// member can't read its status itself.
	shadow := orgTrail
	shadow.Status, shadow.StatusError = nil, &inventory.ReadError{Action: "cloudtrail:GetTrailStatus", Kind: inventory.Failed, Code: "TrailNotFoundException"}
	// The member also has a same-named trail and log group of its own
	// that are broken: no mix-up may credit or blame across accounts.
	own := inventory.Trail{ARN: "arn:aws:cloudtrail:eu-west-1:444455556666:trail/main", Name: "main", HomeRegion: region, OwnerAccount: member,
		LogGroupARN: "arn:aws:logs:eu-west-1:444455556666:log-group:cloudtrail:*",
		Status:      &inventory.TrailStatus{IsLogging: false}, Selectors: &inventory.Selectors{Basic: []inventory.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}}
	m := inventory.Account{ID: member, Name: "workload", Status: inventory.StatusActive, Regions: []string{region},
		Trails:    []inventory.Trail{own, shadow},
		LogGroups: []inventory.LogGroup{{ARN: own.LogGroupARN, Name: "cloudtrail", Region: region, Found: true}},
	}
	unreadable := inventory.Account{ID: "777788889999", Status: inventory.StatusActive, Error: &inventory.ReadError{Action: "sts:AssumeRole", Kind: inventory.Denied}}
	suspended := inventory.Account{ID: "000011112222", Status: inventory.StatusSuspended, Skipped: "account is SUSPENDED"}
	s := &inventory.Snapshot{Caller: acct, Organization: true, ManagementAccount: acct, Accounts: []inventory.Account{mgmt, m, unreadable, suspended}}
	r := Evaluate(s)

	got := r.Accounts[1]
	if got.Status != Pass || got.CoveredBy != "trail main in account 111122223333" {
		t.Fatalf("member = %s covered by %q, links %+v", got.Status, got.CoveredBy, got.Links)
	}
	if got.Chain.LogGroupAccount != acct || got.Chain.AlarmARN != alarmARN {
		t.Errorf("member chain = %+v, want the management account's resources", got.Chain)
	}
	if r.Accounts[0].CoveredBy != "" || r.Accounts[0].Status != Pass {
		t.Errorf("owner = %+v", r.Accounts[0])
	}
	if u := r.Accounts[2]; u.Status != Pass || !strings.Contains(u.Detail, "could not be read") {
		t.Errorf("unreadable member covered by the org trail = %+v", u)
	}
	if sk := r.Accounts[3]; sk.Status != Skipped {
		t.Errorf("suspended = %+v", sk)
	}
	if r.Summary.Pass != 3 || r.Summary.Skipped != 1 || r.ExitCode() != 0 {
		t.Errorf("summary = %+v exit %d", r.Summary, r.ExitCode())
	}

	// Audited alone (no --org), the member sees the trail but not the
	// management account's log group: UNKNOWN, never FAIL or PASS.
	alone := Evaluate(&inventory.Snapshot{Caller: member, Accounts: []inventory.Account{m}})
	a := alone.Accounts[0]
	if a.Status != Fail { // its own broken trail is chosen? No: the org chain has no FAIL.
		if a.Status != Unknown || !strings.Contains(linkOf(t, a, LinkLogGroup).Detail, "did not read") {
			t.Fatalf("member alone = %s %+v", a.Status, a.Links)
		}
	} else {
		t.Fatalf("member alone FAILs although its organization trail may cover it: %+v", a.Links)
	}
	if alone.ExitCode() != 4 {
		t.Errorf("exit = %d, want 4", alone.ExitCode())
	}
}

func TestEvaluateAlternative(t *testing.T) {
	target := []inventory.Target{{ID: "1", ARN: "arn:aws:sns:us-east-1:111122223333:x"}}
	tests := []struct {
		name, pattern, state string
		want                 string // substring of Alternative; "" means not mentioned at all
	}{
		{"root, every CloudTrail event", `{"detail":{"userIdentity":{"type":["Root"]}}}`, "ENABLED",
			"monitored, not the CIS chain: EventBridge rule r in us-east-1 → 1 target(s)"},
		{"root, both detail types, aws sources", `{"source":[{"prefix":"aws."}],"detail-type":["AWS API Call via CloudTrail","AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`, "ENABLED",
			"monitored, not the CIS chain"},
		{"root via equals-ignore-case", `{"detail":{"userIdentity":{"type":[{"equals-ignore-case":"root"}]}}}`, "ENABLED", "monitored, not the CIS chain"},
		{"root in every $or branch", `{"$or":[{"detail-type":["AWS API Call via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}},{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}]}`, "ENABLED",
			"partly monitored: EventBridge rule r in us-east-1 it also requires one of several alternatives"},
		{"sign-ins only", `{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`, "ENABLED",
			`partly monitored: EventBridge rule r in us-east-1 it does not match "AWS API Call via CloudTrail" events`},
		{"root and one event name", `{"detail":{"eventName":["ConsoleLogin"],"userIdentity":{"type":["Root"]}}}`, "ENABLED",
			"it also requires detail.eventName"},
		{"root or IAM user", `{"detail":{"userIdentity":{"type":["Root","IAMUser"]}}}`, "ENABLED",
			"not monitoring: EventBridge rule r in us-east-1 matches events that are not root's"},
		{"anything-but", `{"detail":{"userIdentity":{"type":[{"anything-but":["IAMUser"]}]}}}`, "ENABLED", "matches events that are not root's"},
		{"exists", `{"detail":{"userIdentity":{"type":[{"exists":true}]}}}`, "ENABLED", "matches events that are not root's"},
		{"one $or branch without root", `{"$or":[{"detail":{"userIdentity":{"type":["Root"]}}},{"detail":{"eventName":["CreateUser"]}}]}`, "ENABLED", "matches events that are not root's"},
		{"root ORed with service events", `{"detail":{"$or":[{"userIdentity":{"type":["Root"]}},{"eventType":["AwsServiceEvent"]}]}}`, "ENABLED", "matches events that are not root's"},
		{"no identity filter", `{"source":["aws.signin"]}`, "ENABLED", ""},
		{"not json", `{`, "ENABLED", ""},
		{"disabled", `{"detail":{"userIdentity":{"type":["Root"]}}}`, "DISABLED", "not monitoring: EventBridge rule r in us-east-1 is disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodAccount()
			a.LogGroups[0].MetricFilters = nil
			a.Rules = []inventory.Rule{{Name: "r", Region: "us-east-1", State: tt.state, EventPattern: tt.pattern, Targets: target}}
			res := Evaluate(snap(a)).Accounts[0]
			if res.Status != Fail {
				t.Errorf("status = %s: an EventBridge rule never passes the CIS chain", res.Status)
			}
			if tt.want == "" && res.Alternative != "" || !strings.Contains(res.Alternative, tt.want) {
				t.Errorf("alternative = %q, want it to contain %q", res.Alternative, tt.want)
			}
			if strings.Contains(tt.want, "not root's") && strings.Contains(res.Alternative, "monitored, not the CIS chain") {
				t.Errorf("a pattern matching non-root events is called monitored: %q", res.Alternative)
			}
		})
	}
}

func TestEvaluatePicksWorkingChain(t *testing.T) {
	a := goodAccount()
	// A second, broken filter and a broken alarm must not hide the good chain.
	a.LogGroups[0].MetricFilters = append([]inventory.MetricFilter{{Name: "a-narrow", Pattern: `{ $.eventName = "ConsoleLogin" }`,
		Transformations: []inventory.MetricTransformation{{MetricName: "Logins", MetricNamespace: "X", MetricValue: "1"}}}}, a.LogGroups[0].MetricFilters...)
	bad := a.Alarms[0]
	bad.Name, bad.ActionsEnabled = "AAA-disabled", false
	a.Alarms = append([]inventory.Alarm{bad}, a.Alarms...)
	res := Evaluate(snap(a)).Accounts[0]
	if res.Status != Pass || res.Chain.AlarmName != "RootAccountUsage" || res.Chain.FilterName != "RootAccountUsage" {
		t.Fatalf("result = %s %+v %+v", res.Status, res.Chain, res.Links)
	}
	if res.CISLiteral == nil || !*res.CISLiteral {
		t.Errorf("cis_literal = %v", res.CISLiteral)
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		s    Summary
		want int
	}{
		{Summary{Pass: 2}, 0}, {Summary{Pass: 1, Fail: 1, Unknown: 1}, 3}, {Summary{Pass: 1, Unknown: 1}, 4}, {Summary{Skipped: 1}, 0},
	}
	for _, tt := range tests {
		r := Report{Summary: tt.s}
		if got := r.ExitCode(); got != tt.want {
			t.Errorf("ExitCode(%+v) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestPolicyReader(t *testing.T) {
	tests := []struct {
		name, policy string
		want         bool
	}{
		{"default", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`, true},
		{"other owner", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"*","Condition":{"StringEquals":{"AWS:SourceOwner":"999999999999"}}}]}`, false},
		{"org condition CloudWatch does not carry", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`, false},
		{"other resource", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"arn:aws:sns:eu-west-1:111122223333:other"}]}`, false},
		{"wildcard action", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:*","Resource":"arn:aws:sns:*:111122223333:*"}]}`, true},
		{"deny with an unknown operator applies", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"NumericLessThan":{"x":"1"}}}]}`, false},
		{"negated deny on an absent key applies", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`, false},
		{"positive deny on an absent key does not apply", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`, true},
		{"deny other accounts", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}]}`, true},
		{"not json", `{`, false},
	}
	for _, tt := range tests {
		if got, why := CloudWatchMayPublish(tt.policy, topicARN, alarmARN, acct); got != tt.want {
			t.Errorf("%s: CloudWatchMayPublish = %v (%s), want %v", tt.name, got, why, tt.want)
		}
	}
}

// TestStrict: warnings are counted and never change the verdict, unless
// the evaluation is strict, where the link they are on FAILs.
func TestStrict(t *testing.T) {
	a := goodAccount()
	a.Alarms[0].Period = 3600
	a.Topics[0].KMSMasterKeyID = "alias/alerts"
	a.Keys = []inventory.Key{{Ref: "alias/alerts", Region: region, Found: true, Manager: "CUSTOMER", State: "Enabled", Policy: cmkPolicy}}
	a.Topics[0].Subscriptions = append(a.Topics[0].Subscriptions, inventory.Subscription{ARN: topicARN + ":q", Protocol: "sqs", Endpoint: "arn:aws:sqs:eu-west-1:111122223333:q"})
	loose := Evaluator{}.Evaluate(snap(a))
	if loose.Accounts[0].Status != Pass || loose.Summary.Warnings != 1 || loose.Summary.Warned != 1 || loose.ExitCode() != 0 {
		t.Fatalf("not strict: %s summary %+v exit %d", loose.Accounts[0].Status, loose.Summary, loose.ExitCode())
	}
	if ws := loose.Accounts[0].Warnings(); len(ws) != 1 || ws[0].Code != WarnAlarmPeriod {
		t.Errorf("warnings = %+v", ws)
	}

	strict := Evaluator{Strict: true}.Evaluate(snap(a))
	res := strict.Accounts[0]
	al := linkOf(t, res, LinkAlarm)
	if !strict.Strict || res.Status != Fail || res.BrokenLink != LinkAlarm || al.Status != Fail || !strings.Contains(al.Detail, "--strict: its period is 3600 s") || !strings.Contains(al.Fix, "--period 300") {
		t.Fatalf("strict: %s at %s, alarm %+v", res.Status, res.BrokenLink, al)
	}
	if strict.Summary.Pass != 0 || strict.Summary.Fail != 1 || strict.Summary.Warnings != 1 || strict.ExitCode() != 3 {
		t.Errorf("strict summary %+v, exit %d", strict.Summary, strict.ExitCode())
	}
}

// TestChainWithFewerWarningsWins: of two passing alarms, the one without
// warnings is the chain reported.
func TestChainWithFewerWarningsWins(t *testing.T) {
	a := goodAccount()
	slow := a.Alarms[0]
	slow.Name, slow.Period = "AAA-hourly", 3600
	a.Alarms = append([]inventory.Alarm{slow}, a.Alarms...)
	res := Evaluate(snap(a)).Accounts[0]
	if res.Chain.AlarmName != "RootAccountUsage" || len(linkOf(t, res, LinkAlarm).Warnings) != 0 {
		t.Errorf("chain alarm = %s, warnings %+v", res.Chain.AlarmName, linkOf(t, res, LinkAlarm).Warnings)
	}
}
