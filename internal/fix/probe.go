package fix

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// PlanChanges plans in passes: each plan may name things the audit's
// snapshot cannot show (rootwatch's own topic, which no alarm points at
// after an interrupted run; a home region's alarms, which the audit reads
// only on metrics a filter publishes; topics that could be reused), Probe
// reads them, and the next pass uses what it found. It stops when a pass
// needs nothing new (at most three: alarms, then topics).
func PlanChanges(ctx context.Context, d Dialer, snap *inventory.Snapshot, verdicts []Verdict, o Options) (*Plan, *Facts) {
	facts := &Facts{}
	p := NewPlan(snap, verdicts, nil, o)
	for range 3 {
		if !Probe(ctx, d, snap, p, o, facts) {
			break
		}
		p = NewPlan(snap, verdicts, facts, o)
	}
	return p, facts
}

// Probe adds to f what plan p needs and f lacks: the alarms of each
// chain's home region, the topics p would create or that --topic-arn
// names, and the region's topics for reuse where p creates one. A failed
// read is recorded (the plan then reports it) rather than returned. It
// reports whether it read anything.
func Probe(ctx context.Context, d Dialer, snap *inventory.Snapshot, p *Plan, o Options, f *Facts) bool {
	o = o.WithDefaults()
	added := false
	look := func(account, region, arn string) {
		if f.topic(arn) != nil {
			return
		}
		added = true
		f.Topics = append(f.Topics, readTopic(ctx, d, account, region, arn))
	}
	// A chain's own topics that the audit read are planned from the
	// snapshot, which the planner prefers: reading them again is waste.
	lookChain := func(account, region, arn string) {
		if a := snap.Account(account); a != nil && a.Topic(arn) != nil {
			return
		}
		look(account, region, arn)
	}
	if f.Alarms == nil {
		f.Alarms, f.AlarmErrors, f.Reusable = map[Home][]inventory.Alarm{}, map[Home]*inventory.ReadError{}, map[Home][]inventory.Topic{}
	}
	for _, ap := range p.Accounts {
		if ap.Region != "" {
			h := Home{ap.Account, ap.Region}
			_, done := f.Alarms[h]
			if f.AlarmErrors[h] == nil && !done {
				added = true
				alarms, err := readAlarms(ctx, d, h)
				if err != nil {
					f.AlarmErrors[h] = err
				} else {
					f.Alarms[h] = alarms
				}
			}
			// The topics of alarms the audit did not read (it reads
			// alarms only on metrics a filter publishes).
			for _, a := range f.Alarms[h] {
				if a.Name == o.AlarmName || (a.Namespace == o.MetricNamespace && a.MetricName == o.MetricName) {
					for _, t := range snsActions(a.AlarmActions) {
						lookChain(ap.Account, ap.Region, t)
					}
				}
			}
		}
		for _, s := range ap.Steps {
			if s.Kind != KindTopic || s.Action != Create {
				continue
			}
			lookChain(s.Account, s.Region, s.Resource)
			h := Home{s.Account, s.Region}
			if _, done := f.Reusable[h]; !done {
				added = true
				f.Reusable[h] = reusableTopics(ctx, d, s.Account, s.Region, s.Resource)
			}
		}
	}
	if o.TopicARN != "" {
		if a, err := inventory.ParseARN(o.TopicARN); err == nil {
			look(a.Account, a.Region, o.TopicARN)
		}
	}
	return added
}

// maxReusable bounds how many of a region's topics are read when looking
// for one to reuse: each costs two calls.
const maxReusable = 100

// reusableTopics reads the region's topics (but own, rootwatch's), up to
// maxReusable; a listing failure just means nothing to reuse.
func reusableTopics(ctx context.Context, d Dialer, account, region, own string) []inventory.Topic {
	conn, err := d.Conn(ctx, account)
	if err != nil {
		return nil
	}
	client := conn.SNS(region)
	var arns []string
	var token *string
	for len(arns) < maxReusable {
		page, err := client.ListTopics(ctx, &sns.ListTopicsInput{NextToken: token})
		if err != nil {
			return nil
		}
		for _, t := range page.Topics {
			if a := aws.ToString(t.TopicArn); a != own && len(arns) < maxReusable {
				arns = append(arns, a)
			}
		}
		if page.NextToken == nil || *page.NextToken == "" {
			break
		}
		token = page.NextToken
	}
	out := make([]inventory.Topic, 0, len(arns))
	for _, a := range arns {
		out = append(out, readTopic(ctx, d, account, region, a))
	}
	return out
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
			a := awsread.AlarmFrom(m, h.Region)
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
