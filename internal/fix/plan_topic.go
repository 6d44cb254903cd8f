package fix

// Planning the notification end of the chain: which topic, its policy,
// and the subscriptions.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// chooseTopic picks the topic a new alarm notifies: --topic-arn, else an
// existing topic that already works (CloudWatch may publish, a confirmed
// subscriber, usable encryption), else rootwatch's own topic, existing or
// to be created.
func (c *chainPlanner) chooseTopic() (arn string, isNew bool) {
	if c.o.TopicARN != "" {
		return c.o.TopicARN, false
	}
	own := topicARN(partitionOf(c.ap.LogGroup), c.ap.Region, c.ap.Account, c.o.TopicName)
	if t := c.topic(own); t != nil && t.Found {
		return own, false
	}
	var working []string
	for _, t := range c.acct.Topics {
		if t.Region == c.ap.Region && t.Found && t.Error == nil && c.topicWorks(t) {
			working = append(working, t.ARN)
		}
	}
	if c.facts != nil {
		for _, t := range c.facts.Reusable[Home{c.ap.Account, c.ap.Region}] {
			if t.Found && t.Error == nil && t.KMSMasterKeyID == "" && c.topicWorks(t) && !slices.Contains(working, t.ARN) {
				working = append(working, t.ARN)
			}
		}
	}
	if len(working) > 0 {
		slices.Sort(working)
		c.note("reusing topic %s, which CloudWatch can already publish to and has a confirmed subscriber", working[0])
		return working[0], false
	}
	return own, true
}

func (c *chainPlanner) topic(arn string) *inventory.Topic {
	if t := c.acct.Topic(arn); t != nil {
		return t
	}
	if t := c.facts.topic(arn); t != nil {
		return t
	}
	if c.facts != nil {
		for i, t := range c.facts.Reusable[Home{c.ap.Account, c.ap.Region}] {
			if t.ARN == arn {
				return &c.facts.Reusable[Home{c.ap.Account, c.ap.Region}][i]
			}
		}
	}
	return nil
}

// topicWorks is the audit's topic and subscription links for one topic.
func (c *chainPlanner) topicWorks(t inventory.Topic) bool {
	if !c.mayPublish(t.Policy, t.ARN) || !keyUsable(t, c.acct) || t.SubscriptionsError != nil {
		return false
	}
	for _, s := range t.Subscriptions {
		if !s.Pending() {
			return true
		}
	}
	return false
}

// keyUsable: CloudWatch cannot use the AWS-managed SNS key, whose policy
// nobody can change.
func keyUsable(t inventory.Topic, acct *inventory.Account) bool {
	if t.KMSMasterKeyID == "" {
		return true
	}
	if strings.HasSuffix(t.KMSMasterKeyID, "alias/aws/sns") {
		return false
	}
	if k := acct.Key(t.Region, t.KMSMasterKeyID); k != nil && k.Manager == "AWS" {
		return false
	}
	return true
}

// planTopic makes the topic exist, lets CloudWatch publish to it and
// subscribes the requested endpoints.
func (c *chainPlanner) planTopic(arn string, isNew bool) {
	var subs []inventory.Subscription
	var t *inventory.Topic
	if !isNew {
		t = c.topic(arn)
		if t == nil {
			c.ap.Err = fmt.Errorf("topic %s was not read", arn)
			return
		}
		if t.Error != nil {
			c.ap.Err = fmt.Errorf("topic %s: %s", arn, t.Error.Verdict())
			return
		}
		isNew = !t.Found
		if p, err := inventory.ParseARN(arn); isNew && (err != nil || p.Account != c.ap.Account || p.Region != c.ap.Region) {
			c.ap.Err = fmt.Errorf("the alarm notifies topic %s, which does not exist and is not in account %s, %s where fix could create it; pass --topic-arn", arn, c.ap.Account, c.ap.Region)
			return
		}
	}
	if isNew {
		spec := &TopicSpec{ARN: arn, Name: topicName(arn), Policy: newTopicPolicy(arn, c.ap.Account), Tags: c.o.tags()}
		reason := "the alarm needs an SNS topic"
		if t != nil {
			reason = fmt.Sprintf("the alarm notifies topic %s, which does not exist", arn)
		}
		c.add(Step{Kind: KindTopic, Action: Create, Resource: arn, After: spec, Reason: reason})
	} else {
		if !keyUsable(*t, c.acct) {
			c.ap.Prerequisites = append(c.ap.Prerequisites, Prerequisite{
				Problem: fmt.Sprintf("topic %s is encrypted with the AWS-managed key alias/aws/sns, which CloudWatch cannot use: alarms would never reach it", arn),
				Commands: []string{
					"# create a customer-managed key whose policy lets cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, then:",
					fmt.Sprintf("aws sns set-topic-attributes --region %s --topic-arn %s --attribute-name KmsMasterKeyId --attribute-value KEY_ARN", c.ap.Region, arn),
				},
			})
		}
		if !c.mayPublish(t.Policy, arn) {
			merged, err := MergeTopicPolicy(t.Policy, arn, c.ap.Account)
			if err != nil {
				c.ap.Err = err
				return
			}
			c.add(Step{Kind: KindTopicPolicy, Action: Update, Resource: arn,
				Before: &TopicPolicySpec{TopicARN: arn, Policy: t.Policy}, After: &TopicPolicySpec{TopicARN: arn, Policy: merged},
				Reason: fmt.Sprintf("the policy of topic %s does not let CloudWatch publish to it", topicName(arn))})
		}
		if t.SubscriptionsError != nil {
			c.ap.Err = fmt.Errorf("subscriptions of %s: %s", arn, t.SubscriptionsError.Verdict())
			return
		}
		subs = t.Subscriptions
	}
	c.planSubscriptions(arn, subs)
}

// mayPublish asks the audit's own policy reader, so that what fix leaves
// in place is what the audit passes.
func (c *chainPlanner) mayPublish(policy, topic string) bool {
	alarm := fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", partitionOf(topic), c.ap.Region, c.ap.Account, c.o.AlarmName)
	ok, _ := audit.CloudWatchMayPublish(policy, topic, alarm, c.ap.Account)
	return ok
}

func (c *chainPlanner) planSubscriptions(arn string, subs []inventory.Subscription) {
	confirmed := 0
	for _, s := range subs {
		if !s.Pending() {
			confirmed++
		}
	}
	for _, e := range c.o.Endpoints {
		if existing, ok := findSubscription(subs, e); ok {
			if existing.Pending() {
				c.note("%s is subscribed to %s but has not confirmed yet", displayEndpoint(e.Protocol, e.Endpoint), topicName(arn))
			}
			continue
		}
		step := Step{Kind: KindSubscription, Action: Create, Resource: arn + " " + e.Protocol + ":" + displayEndpoint(e.Protocol, e.Endpoint),
			After:  &SubscriptionSpec{TopicARN: arn, Protocol: e.Protocol, Endpoint: displayEndpoint(e.Protocol, e.Endpoint)},
			Reason: "requested with --email/--subscribe", endpoint: e.Endpoint}
		if e.needsConfirmation() {
			step.Note = "the recipient must confirm it before alerts are delivered"
		} else {
			confirmed++
		}
		c.add(step)
	}
	if confirmed == 0 && !c.hasPendingRequest(subs) {
		c.note("nobody has confirmed a subscription to %s: re-run with --email ADDRESS or --subscribe PROTOCOL:ENDPOINT", topicName(arn))
	}
}

func (c *chainPlanner) hasPendingRequest(subs []inventory.Subscription) bool {
	for _, s := range c.ap.Steps {
		if s.Kind == KindSubscription {
			return true
		}
	}
	for _, s := range subs {
		if s.Pending() {
			return true
		}
	}
	return false
}

func findSubscription(subs []inventory.Subscription, e Endpoint) (inventory.Subscription, bool) {
	for _, s := range subs {
		if s.Protocol == e.Protocol && strings.EqualFold(s.Endpoint, e.Endpoint) {
			return s, true
		}
	}
	return inventory.Subscription{}, false
}
