package fix

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	acctA  = "111111111111"
	acctB  = "222222222222"
	region = "us-east-1"
)

func trailARN(acct string) string { return "arn:aws:cloudtrail:" + region + ":" + acct + ":trail/main" }
func groupARN(acct string) string {
	return "arn:aws:logs:" + region + ":" + acct + ":log-group:CloudTrail/Default:*"
}

// goodTrail is a multi-region, logging trail with all management events,
// delivering to CloudTrail/Default.
func goodTrail(acct string, org bool) inventory.Trail {
	return inventory.Trail{
		ARN: trailARN(acct), Name: "main", HomeRegion: region, OwnerAccount: acct,
		IsMultiRegion: true, IsOrganizationTrail: org, LogGroupARN: groupARN(acct),
		RoleARN: "arn:aws:iam::" + acct + ":role/ct", S3Bucket: "ct-" + acct,
		Status:    &inventory.TrailStatus{IsLogging: true, LatestCloudWatchLogsDelivery: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		Selectors: &inventory.Selectors{Basic: []inventory.EventSelector{{ReadWriteType: inventory.ReadWriteAll, IncludeManagementEvents: true}}},
	}
}

func cisFilter() inventory.MetricFilter {
	return inventory.MetricFilter{Name: cis.FilterName, Pattern: cis.RootUsagePattern, Transformations: []inventory.MetricTransformation{{
		MetricName: cis.MetricName, MetricNamespace: cis.MetricNamespace, MetricValue: "1",
	}}}
}

func cisAlarm(acct, topic string) inventory.Alarm {
	return inventory.Alarm{
		Name: cis.AlarmName, ARN: "arn:aws:cloudwatch:" + region + ":" + acct + ":alarm:" + cis.AlarmName, Region: region,
		MetricName: cis.MetricName, Namespace: cis.MetricNamespace, Statistic: "Sum", Period: 300, Threshold: 1,
		ComparisonOperator: "GreaterThanOrEqualToThreshold", EvaluationPeriods: 1, TreatMissingData: "notBreaching",
		ActionsEnabled: true, AlarmActions: []string{topic}, StateValue: "OK",
	}
}

func topicWith(acct string, subs ...inventory.Subscription) inventory.Topic {
	arn := "arn:aws:sns:" + region + ":" + acct + ":alerts"
	return inventory.Topic{ARN: arn, Region: region, Found: true, Subscriptions: subs,
		Policy: `{"Version":"2008-10-17","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish"],"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + acct + `"}}}]}`}
}

// fullChain is an account whose chain passes.
func fullChain(acct string) inventory.Account {
	topic := topicWith(acct, inventory.Subscription{ARN: "arn:aws:sns:" + region + ":" + acct + ":alerts:1", Protocol: "email", Endpoint: "sec@example.com"})
	return inventory.Account{
		ID: acct, Status: inventory.StatusActive, Regions: []string{region},
		Trails:       []inventory.Trail{goodTrail(acct, false)},
		LogGroups:    []inventory.LogGroup{{ARN: groupARN(acct), Name: "CloudTrail/Default", Region: region, Found: true, MetricFilters: []inventory.MetricFilter{cisFilter()}}},
		AlarmRegions: []string{region},
		Alarms:       []inventory.Alarm{cisAlarm(acct, topic.ARN)},
		Topics:       []inventory.Topic{topic},
	}
}

func snapshotOf(accounts ...inventory.Account) *inventory.Snapshot {
	return &inventory.Snapshot{CollectedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Caller: accounts[0].ID, Accounts: accounts}
}

// planFor audits the snapshot with the real audit and plans the fix.
func planFor(t *testing.T, s *inventory.Snapshot, o Options, facts *Facts) *Plan {
	t.Helper()
	rep := audit.Evaluate(s)
	return NewPlan(s, Verdicts(rep), facts, o)
}

// alarmsRead marks the home region's alarms as listed (Probe does this
// in a real run).
func alarmsRead(acct string, alarms ...inventory.Alarm) *Facts {
	return &Facts{Alarms: map[Home][]inventory.Alarm{{acct, region}: alarms}}
}

func TestPlanGolden(t *testing.T) {
	email := []Endpoint{{"email", "security@example.com"}}
	tests := []struct {
		name  string
		snap  func() *inventory.Snapshot
		o     Options
		facts *Facts
		// want* are checked beside the golden text.
		wantSteps int
	}{
		{name: "no-filter", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.LogGroups[0].MetricFilters = nil
			a.Alarms, a.Topics, a.AlarmRegions = nil, nil, nil
			return snapshotOf(a)
		}, o: Options{Endpoints: email}, facts: alarmsRead(acctA), wantSteps: 4},
		{name: "passing", snap: func() *inventory.Snapshot { return snapshotOf(fullChain(acctA)) }, facts: alarmsRead(acctA, cisAlarm(acctA, topicWith(acctA).ARN)), wantSteps: 0},
		{name: "actions-disabled", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.Alarms[0].ActionsEnabled = false
			return snapshotOf(a)
		}, wantSteps: 1},
		{name: "narrow-filter-same-name", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.LogGroups[0].MetricFilters[0].Pattern = `{ ($.userIdentity.type = "Root") && ($.eventName = "ConsoleLogin") }`
			return snapshotOf(a)
		}, wantSteps: 1},
		{name: "no-trail", snap: func() *inventory.Snapshot {
			return snapshotOf(inventory.Account{ID: acctA, Regions: []string{region}})
		}, wantSteps: 0},
		{name: "no-delivery", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.Trails[0].LogGroupARN, a.Trails[0].RoleARN = "", ""
			a.LogGroups, a.Alarms, a.Topics, a.AlarmRegions = nil, nil, nil, nil
			return snapshotOf(a)
		}, wantSteps: 0},
		{name: "with-trail-delivery", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.Trails[0].LogGroupARN, a.Trails[0].RoleARN = "", ""
			a.LogGroups, a.Alarms, a.Topics, a.AlarmRegions = nil, nil, nil, nil
			return snapshotOf(a)
		}, o: Options{WithTrailDelivery: true, Endpoints: email}, facts: alarmsRead(acctA), wantSteps: 8},
		{name: "stopped-single-region-trail", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.Trails[0].IsMultiRegion = false
			a.Trails[0].Status.IsLogging = false
			return snapshotOf(a)
		}, wantSteps: 0},
		{name: "organization", snap: func() *inventory.Snapshot {
			mgmt := fullChain(acctA)
			mgmt.Trails[0] = goodTrail(acctA, true)
			mgmt.LogGroups[0].MetricFilters = nil
			mgmt.Alarms, mgmt.Topics = nil, nil
			member := inventory.Account{ID: acctB, Regions: []string{region}, Trails: []inventory.Trail{goodTrail(acctA, true)}}
			s := snapshotOf(mgmt, member)
			s.Organization, s.ManagementAccount = true, acctA
			return s
		}, o: Options{Endpoints: []Endpoint{{"sqs", "arn:aws:sqs:us-east-1:111111111111:root-alerts"}}}, facts: alarmsRead(acctA), wantSteps: 4},
		{name: "topic-policy-shuts-out-cloudwatch", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.Topics[0].Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"OpsOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/ops"},"Action":"sns:Publish","Resource":"*"}]}`
			return snapshotOf(a)
		}, wantSteps: 1},
		{name: "pending-subscription", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.Topics[0].Subscriptions = []inventory.Subscription{{ARN: inventory.PendingConfirmation, Protocol: "email", Endpoint: "security@example.com"}}
			return snapshotOf(a)
		}, o: Options{Endpoints: email}, wantSteps: 0},
		{name: "topic-arn-other-region", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.LogGroups[0].MetricFilters = nil
			a.Alarms, a.Topics = nil, nil
			return snapshotOf(a)
		}, o: Options{TopicARN: "arn:aws:sns:eu-west-1:111111111111:alerts"}, facts: alarmsRead(acctA), wantSteps: 0},
		{name: "unreadable-filters", snap: func() *inventory.Snapshot {
			a := fullChain(acctA)
			a.LogGroups[0].MetricFilters = nil
			a.LogGroups[0].FiltersError = &inventory.ReadError{Action: "logs:DescribeMetricFilters", Code: "AccessDeniedException", Kind: inventory.Denied}
			return snapshotOf(a)
		}, wantSteps: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planFor(t, tt.snap(), tt.o, tt.facts)
			var b bytes.Buffer
			if err := Render(&b, p, "test"); err != nil {
				t.Fatal(err)
			}
			add, change, destroy := p.Counts()
			if n := add + change + destroy; n != tt.wantSteps {
				t.Errorf("%d steps, want %d", n, tt.wantSteps)
			}
			golden(t, filepath.Join("testdata", "plan", tt.name+".txt"), b.String())
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestPlanThenAuditPasses applies a plan to the snapshot on paper and
// audits the result: what fix plans is exactly what the audit wants.
func TestPlanThenAuditPasses(t *testing.T) {
	a := fullChain(acctA)
	a.LogGroups[0].MetricFilters = nil
	a.Alarms, a.Topics = nil, nil
	s := snapshotOf(a)
	p := planFor(t, s, Options{Endpoints: []Endpoint{{"sqs", "arn:aws:sqs:us-east-1:111111111111:q"}}}.WithDefaults(), alarmsRead(acctA))
	acct := &s.Accounts[0]
	for _, st := range p.Accounts[0].Steps {
		switch x := st.After.(type) {
		case *MetricFilterSpec:
			acct.LogGroups[0].MetricFilters = append(acct.LogGroups[0].MetricFilters, inventory.MetricFilter{Name: x.Name, Pattern: x.Pattern,
				Transformations: []inventory.MetricTransformation{{MetricName: x.MetricName, MetricNamespace: x.Namespace, MetricValue: x.Value}}})
		case *AlarmSpec:
			acct.Alarms = append(acct.Alarms, inventory.Alarm{Name: x.Name, ARN: "arn:aws:cloudwatch:us-east-1:111111111111:alarm:" + x.Name, Region: region,
				MetricName: x.MetricName, Namespace: x.Namespace, Statistic: x.Statistic, Period: x.Period, Threshold: x.Threshold,
				ComparisonOperator: x.Comparison, EvaluationPeriods: x.EvaluationPeriods, ActionsEnabled: x.ActionsEnabled, AlarmActions: x.AlarmActions})
		case *TopicSpec:
			acct.Topics = append(acct.Topics, inventory.Topic{ARN: x.ARN, Region: region, Found: true, Policy: x.Policy})
		case *SubscriptionSpec:
			acct.Topics[len(acct.Topics)-1].Subscriptions = append(acct.Topics[len(acct.Topics)-1].Subscriptions,
				inventory.Subscription{ARN: x.TopicARN + ":1", Protocol: x.Protocol, Endpoint: x.Endpoint})
		}
	}
	rep := audit.Evaluate(s)
	if rep.Accounts[0].Status != audit.Pass {
		t.Fatalf("after the plan the audit says %s: %+v", rep.Accounts[0].Status, rep.Accounts[0].Links)
	}
	if again := NewPlan(s, Verdicts(rep), alarmsRead(acctA, acct.Alarms...), Options{Endpoints: []Endpoint{{"sqs", "arn:aws:sqs:us-east-1:111111111111:q"}}}); !again.Empty() {
		var b strings.Builder
		_ = Render(&b, again, "")
		t.Fatalf("second plan is not empty:\n%s", b.String())
	}
}
