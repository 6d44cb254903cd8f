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

// chooseTopic picks the topic a new alarm notifies, and says why. fix
// reuses only a topic that is already the chain's: the one the user names
// (--topic-arn), one an alarm on the chain's metric (or of the chain's
// alarm name, which fix then updates) already notifies, or
// rootwatch's own (or the seeds' CIS-Alarms-Topic) by name. Any other
// topic, however well it works, belongs to someone else: root alerts sent
// there reach the wrong people, and subscribing the security team to it
// would send them that team's alarms. Then fix creates its own.
func (c *chainPlanner) chooseTopic(m metric, alarms []inventory.Alarm) (arn string, isNew bool) {
	if c.o.TopicARN != "" {
		c.note("using topic %s because --topic-arn names it", c.o.TopicARN)
		return c.o.TopicARN, false
	}
	var used []string
	for _, a := range alarms {
		if (a.Namespace != m.namespace || a.MetricName != m.name) && !c.o.isChainAlarmName(a.Name) {
			continue
		}
		for _, t := range snsActions(a.AlarmActions) {
			if p, err := inventory.ParseARN(t); err == nil && p.Region == c.ap.Region && p.Account == c.ap.Account && !slices.Contains(used, t) {
				used = append(used, t)
			}
		}
	}
	if len(used) > 0 {
		slices.Sort(used)
		c.note("reusing topic %s because the chain's alarm (on %s/%s, or named %s) already notifies it", used[0], m.namespace, m.name, c.o.AlarmName)
		return used[0], false
	}
	for _, arn := range c.o.ownTopicARNs(partitionOf(c.ap.LogGroup), c.ap.Region, c.ap.Account) {
		if t := c.topic(arn); t != nil && t.Found {
			c.note("reusing topic %s because its name marks it as this control's topic", arn)
			return arn, false
		}
	}
	return topicARN(partitionOf(c.ap.LogGroup), c.ap.Region, c.ap.Account, c.o.TopicName), true
}

func (c *chainPlanner) topic(arn string) *inventory.Topic {
	if t := c.acct.Topic(arn); t != nil {
		return t
	}
	return c.facts.topic(arn)
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
		}
		c.add(step)
	}
}

func findSubscription(subs []inventory.Subscription, e Endpoint) (inventory.Subscription, bool) {
	for _, s := range subs {
		if s.Protocol == e.Protocol && strings.EqualFold(s.Endpoint, e.Endpoint) {
			return s, true
		}
	}
	return inventory.Subscription{}, false
}
