package fix

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// PlanChanges computes the plan in two passes: a first plan names the
// topics fix would create; Probe looks them up (an interrupted run may
// have created them, and no alarm points at them yet, so the audit's
// snapshot cannot know); the second plan uses what it found.
func PlanChanges(ctx context.Context, d Dialer, snap *inventory.Snapshot, verdicts []Verdict, o Options) (*Plan, *Facts) {
	first := NewPlan(snap, verdicts, nil, o)
	facts := Probe(ctx, d, first, o)
	return NewPlan(snap, verdicts, facts, o), facts
}

// Probe reads the alarms of each chain's home region and the topics a
// plan would create or that --topic-arn names.
// A failed read is recorded in the topic (the plan then reports it)
// rather than returned.
func Probe(ctx context.Context, d Dialer, p *Plan, o Options) *Facts {
	o = o.WithDefaults()
	f := &Facts{}
	seen := map[string]bool{}
	look := func(account, region, arn string) {
		if seen[arn] {
			return
		}
		seen[arn] = true
		f.Topics = append(f.Topics, readTopic(ctx, d, account, region, arn))
	}
	for _, ap := range p.Accounts {
		if ap.Region != "" {
			h := Home{ap.Account, ap.Region}
			alarms, err := readAlarms(ctx, d, h)
			if f.Alarms == nil {
				f.Alarms, f.AlarmErrors = map[Home][]inventory.Alarm{}, map[Home]*inventory.ReadError{}
			}
			if err != nil {
				f.AlarmErrors[h] = err
			} else {
				f.Alarms[h] = alarms
				// The topics of alarms the audit did not read (it reads
				// alarms only on metrics a filter publishes).
				for _, a := range alarms {
					if a.Name == o.AlarmName || (a.Namespace == o.MetricNamespace && a.MetricName == o.MetricName) {
						for _, t := range snsActions(a.AlarmActions) {
							look(ap.Account, ap.Region, t)
						}
					}
				}
			}
		}
		for _, s := range ap.Steps {
			if s.Kind == KindTopic && s.Action == Create {
				look(s.Account, s.Region, s.Resource)
			}
		}
	}
	if o.TopicARN != "" {
		if a, err := inventory.ParseARN(o.TopicARN); err == nil {
			look(a.Account, a.Region, o.TopicARN)
		}
	}
	return f
}

// readAlarms lists every metric alarm of a home region.
func readAlarms(ctx context.Context, d Dialer, h Home) ([]inventory.Alarm, *inventory.ReadError) {
	conn, err := d.Conn(ctx, h.Account)
	if err != nil {
		return nil, readError("sts:AssumeRole", err)
	}
	cw := conn.CloudWatch(h.Region)
	var out []inventory.Alarm
	var token *string
	for {
		page, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}, NextToken: token})
		if err != nil {
			return nil, readError("cloudwatch:DescribeAlarms", err)
		}
		for _, m := range page.MetricAlarms {
			a := inventory.Alarm{
				Name: aws.ToString(m.AlarmName), ARN: aws.ToString(m.AlarmArn), Region: h.Region,
				MetricName: aws.ToString(m.MetricName), Namespace: aws.ToString(m.Namespace), MetricMath: len(m.Metrics) > 0,
				Statistic: string(m.Statistic), ExtendedStatistic: aws.ToString(m.ExtendedStatistic),
				Period: aws.ToInt32(m.Period), Unit: string(m.Unit), Threshold: aws.ToFloat64(m.Threshold),
				ComparisonOperator: string(m.ComparisonOperator), EvaluationPeriods: aws.ToInt32(m.EvaluationPeriods),
				DatapointsToAlarm: aws.ToInt32(m.DatapointsToAlarm), TreatMissingData: aws.ToString(m.TreatMissingData),
				ActionsEnabled: aws.ToBool(m.ActionsEnabled), AlarmActions: m.AlarmActions, OKActions: m.OKActions,
				StateValue: string(m.StateValue),
			}
			for _, dim := range m.Dimensions {
				a.Dimensions = append(a.Dimensions, inventory.Dimension{Name: aws.ToString(dim.Name), Value: aws.ToString(dim.Value)})
			}
			out = append(out, a)
		}
		if page.NextToken == nil || *page.NextToken == "" {
			return out, nil
		}
		token = page.NextToken
	}
}

func readTopic(ctx context.Context, d Dialer, account, region, arn string) inventory.Topic {
	t := inventory.Topic{ARN: arn, Region: region}
	conn, err := d.Conn(ctx, account)
	if err != nil {
		t.Error = readError("sts:AssumeRole", err)
		return t
	}
	client := conn.SNS(region)
	out, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if errorCode(err) == "NotFound" {
		return t
	}
	if err != nil {
		t.Error = readError("sns:GetTopicAttributes", err)
		return t
	}
	t.Found = true
	t.Policy = out.Attributes["Policy"]
	t.KMSMasterKeyID = out.Attributes["KmsMasterKeyId"]
	var token *string
	for {
		page, err := client.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn), NextToken: token})
		if err != nil {
			t.SubscriptionsError = readError("sns:ListSubscriptionsByTopic", err)
			return t
		}
		for _, s := range page.Subscriptions {
			t.Subscriptions = append(t.Subscriptions, inventory.Subscription{
				ARN: aws.ToString(s.SubscriptionArn), Protocol: aws.ToString(s.Protocol),
				Endpoint: aws.ToString(s.Endpoint), Owner: aws.ToString(s.Owner),
			})
		}
		if page.NextToken == nil || *page.NextToken == "" {
			return t
		}
		token = page.NextToken
	}
}

func readError(action string, err error) *inventory.ReadError {
	e := &inventory.ReadError{Action: action, Code: errorCode(err), Message: err.Error(), Kind: inventory.Failed}
	switch Classify(err) {
	case "throttled":
		e.Kind = inventory.Throttled
	case "access denied":
		e.Kind = inventory.Denied
	}
	if e.Code == "" {
		e.Message = fmt.Sprint(err)
	}
	return e
}
