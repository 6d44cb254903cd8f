package awsfake

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// SNS is the fake SNS client of one account and region.
type SNS struct {
	c               *Cloud
	account, region string
}

var _ awsread.SNSAPI = (*SNS)(nil)

// topic finds a topic by ARN in whichever account owns it (cross-account
// topics are readable when their policy allows; the fake allows).
// Callers hold c.mu.
func (s *SNS) topic(arn string) (*Topic, error) {
	p, err := inventory.ParseARN(arn)
	if err != nil || p.Service != "sns" {
		return nil, apiError("InvalidParameter", "Invalid parameter: TopicArn")
	}
	if p.Region != s.region {
		return nil, apiError("InvalidParameter", "Invalid parameter: TopicArn: the topic is in "+p.Region+", the client in "+s.region)
	}
	if a, ok := s.c.Accounts[p.Account]; ok {
		if r, ok := a.Regional[p.Region]; ok {
			if t, ok := r.Topics[arn]; ok {
				return t, nil
			}
		}
	}
	return nil, apiError("NotFound", "Topic does not exist")
}

// GetTopicAttributes implements awsread.SNSAPI.
func (s *SNS) GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:GetTopicAttributes"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	arn := aws.ToString(in.TopicArn)
	t, err := s.topic(arn)
	if err != nil {
		return nil, err
	}
	p, _ := inventory.ParseARN(arn)
	attrs := map[string]string{"TopicArn": arn, "Owner": p.Account}
	confirmed, pending := 0, 0
	for _, sub := range t.Subscriptions {
		if aws.ToString(sub.SubscriptionArn) == inventory.PendingConfirmation {
			pending++
		} else {
			confirmed++
		}
	}
	attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	attrs["SubscriptionsPending"] = strconv.Itoa(pending)
	for k, v := range t.Attributes {
		attrs[k] = v
	}
	if _, ok := attrs["Policy"]; !ok {
		attrs["Policy"] = DefaultTopicPolicy(arn, p.Account)
	}
	return &sns.GetTopicAttributesOutput{Attributes: attrs}, nil
}

// ListSubscriptionsByTopic implements awsread.SNSAPI.
func (s *SNS) ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:ListSubscriptionsByTopic"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	t, err := s.topic(aws.ToString(in.TopicArn))
	if err != nil {
		return nil, err
	}
	subs := make([]snstypes.Subscription, len(t.Subscriptions))
	copy(subs, t.Subscriptions)
	for i := range subs {
		subs[i].TopicArn = in.TopicArn
	}
	lo, hi, next, err := s.c.page(len(subs), in.NextToken, 0)
	if err != nil {
		return nil, err
	}
	return &sns.ListSubscriptionsByTopicOutput{Subscriptions: subs[lo:hi], NextToken: next}, nil
}

// DefaultTopicPolicy is the policy SNS gives a new topic: the owner
// account's principals (and AWS services acting for it, such as
// CloudWatch alarms) may publish.
func DefaultTopicPolicy(topicARN, owner string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + owner + `"}}}]}`
}
