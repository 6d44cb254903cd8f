package fix

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// Probe reads the topics a plan would create or that --topic-arn names.
// A failed read is recorded in the topic (the plan then reports it)
// rather than returned.
func Probe(ctx context.Context, d Dialer, p *Plan, o Options) *Facts {
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
