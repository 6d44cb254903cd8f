package awsfake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

var topicNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// CreateTopic creates a topic in the client's account and region, or
// returns the ARN of the existing topic of that name (SNS's idempotency).
// Attributes (Policy, KmsMasterKeyId...) and tags are set on creation.
func (s *SNS) CreateTopic(ctx context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:CreateTopic"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.Name)
	if !topicNameRe.MatchString(name) {
		return nil, apiError("InvalidParameter", "Invalid parameter: Topic Name")
	}
	if p, ok := in.Attributes["Policy"]; ok && !json.Valid([]byte(p)) {
		return nil, apiError("InvalidParameter", "Invalid parameter: Policy Error: null")
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	a, err := s.c.lookup(s.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(s.region)
	arn := s.c.TopicARN(s.account, s.region, name)
	if _, ok := r.Topics[arn]; ok {
		return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		attrs[k] = v
	}
	r.Topics[arn] = &Topic{Attributes: attrs}
	if len(in.Tags) > 0 {
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		r.setTags(arn, tags)
	}
	return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

// settableTopicAttributes are the attribute names SetTopicAttributes accepts.
var settableTopicAttributes = []string{"Policy", "DisplayName", "DeliveryPolicy", "KmsMasterKeyId", "TracingConfig", "SignatureVersion", "ContentBasedDeduplication", "ArchivePolicy"}

// SetTopicAttributes sets one attribute; the topic must exist (NotFound).
func (s *SNS) SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:SetTopicAttributes"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.AttributeName)
	if !slices.Contains(settableTopicAttributes, name) {
		return nil, apiError("InvalidParameter", "Invalid parameter: AttributeName")
	}
	if name == "Policy" && !json.Valid([]byte(aws.ToString(in.AttributeValue))) {
		return nil, apiError("InvalidParameter", "Invalid parameter: Policy Error: null")
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	t, err := s.topic(aws.ToString(in.TopicArn))
	if err != nil {
		return nil, err
	}
	if t.Attributes == nil {
		t.Attributes = map[string]string{}
	}
	t.Attributes[name] = aws.ToString(in.AttributeValue)
	if name == "Policy" {
		// A topic never set a policy holds SNS's default one; setting the
		// default back is the same state.
		arn := aws.ToString(in.TopicArn)
		if p, err := inventory.ParseARN(arn); err == nil && sameJSON(t.Attributes[name], DefaultTopicPolicy(arn, p.Account)) {
			delete(t.Attributes, name)
		}
	}
	return &sns.SetTopicAttributesOutput{}, nil
}

// needsConfirmation: SNS leaves these pending until the endpoint confirms.
func needsConfirmation(protocol string) bool {
	switch protocol {
	case "email", "email-json", "http", "https":
		return true
	}
	return false
}

// subscriptionARN is deterministic so a pending subscription can be
// unsubscribed by the ARN Subscribe returned (ReturnSubscriptionArn).
func subscriptionARN(topic, protocol, endpoint string) string {
	h := sha256.Sum256([]byte(protocol + "\x00" + endpoint))
	x := hex.EncodeToString(h[:16])
	return fmt.Sprintf("%s:%s-%s-%s-%s-%s", topic, x[0:8], x[8:12], x[12:16], x[16:20], x[20:32])
}

// Subscribe subscribes an endpoint. Email and HTTP(S) subscriptions stay
// PendingConfirmation until ConfirmSubscription (a test helper here);
// SQS, Lambda, SMS and application endpoints are confirmed at once.
// Subscribing the same endpoint again returns the same subscription.
func (s *SNS) Subscribe(ctx context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:Subscribe"); err != nil {
		return nil, err
	}
	protocol, endpoint := aws.ToString(in.Protocol), aws.ToString(in.Endpoint)
	switch protocol {
	case "email", "email-json", "http", "https", "sqs", "lambda", "sms", "application", "firehose":
	default:
		return nil, apiError("InvalidParameter", "Invalid parameter: Amazon SNS does not support this protocol string: "+protocol)
	}
	if endpoint == "" {
		return nil, apiError("InvalidParameter", "Invalid parameter: Endpoint")
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	arn := aws.ToString(in.TopicArn)
	t, err := s.topic(arn)
	if err != nil {
		return nil, err
	}
	subARN := subscriptionARN(arn, protocol, endpoint)
	pending := needsConfirmation(protocol)
	exists := false
	for _, sub := range t.Subscriptions {
		if aws.ToString(sub.Protocol) == protocol && aws.ToString(sub.Endpoint) == endpoint {
			exists = true
			pending = aws.ToString(sub.SubscriptionArn) == inventory.PendingConfirmation
		}
	}
	if !exists {
		shown := subARN
		if pending {
			shown = inventory.PendingConfirmation
		}
		t.Subscriptions = append(t.Subscriptions, snstypes.Subscription{
			SubscriptionArn: aws.String(shown), Protocol: aws.String(protocol), Endpoint: aws.String(endpoint),
			Owner: aws.String(s.account), TopicArn: aws.String(arn),
		})
	}
	out := subARN
	if pending && !in.ReturnSubscriptionArn {
		out = "pending confirmation"
	}
	return &sns.SubscribeOutput{SubscriptionArn: aws.String(out)}, nil
}

// Unsubscribe deletes a subscription, pending ones included (by the ARN
// Subscribe returned with ReturnSubscriptionArn). An unknown ARN is
// NotFound.
func (s *SNS) Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, _ ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:Unsubscribe"); err != nil {
		return nil, err
	}
	target := aws.ToString(in.SubscriptionArn)
	p, err := inventory.ParseARN(target)
	if err != nil || p.Service != "sns" {
		return nil, apiError("InvalidParameter", "Invalid parameter: SubscriptionArn")
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	topicARN := target[:lastColon(target)]
	t, err := s.topic(topicARN)
	if err != nil {
		return nil, apiError("NotFound", "Subscription does not exist")
	}
	for i, sub := range t.Subscriptions {
		if subscriptionARN(topicARN, aws.ToString(sub.Protocol), aws.ToString(sub.Endpoint)) == target || aws.ToString(sub.SubscriptionArn) == target {
			t.Subscriptions = slices.Delete(t.Subscriptions, i, i+1)
			return &sns.UnsubscribeOutput{}, nil
		}
	}
	return nil, apiError("NotFound", "Subscription does not exist")
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return 0
}

// DeleteTopic deletes a topic with its subscriptions and tags. Deleting a
// topic that does not exist succeeds, as in SNS.
func (s *SNS) DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, _ ...func(*sns.Options)) (*sns.DeleteTopicOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:DeleteTopic"); err != nil {
		return nil, err
	}
	arn := aws.ToString(in.TopicArn)
	p, err := inventory.ParseARN(arn)
	if err != nil || p.Service != "sns" {
		return nil, apiError("InvalidParameter", "Invalid parameter: TopicArn")
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if a, ok := s.c.Accounts[p.Account]; ok {
		if r, ok := a.Regional[p.Region]; ok {
			delete(r.Topics, arn)
			delete(r.Tags, arn)
		}
	}
	return &sns.DeleteTopicOutput{}, nil
}

// ConfirmSubscription confirms a pending subscription as if its owner had
// clicked the link; a test helper (there is no SNS call for it without
// the token).
func (c *Cloud) ConfirmSubscription(topicARN, protocol, endpoint string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := inventory.ParseARN(topicARN)
	if err != nil {
		return false
	}
	a, ok := c.Accounts[p.Account]
	if !ok || a.Regional[p.Region] == nil {
		return false
	}
	t, ok := a.Regional[p.Region].Topics[topicARN]
	if !ok {
		return false
	}
	for i, sub := range t.Subscriptions {
		if aws.ToString(sub.Protocol) == protocol && aws.ToString(sub.Endpoint) == endpoint {
			t.Subscriptions[i].SubscriptionArn = aws.String(subscriptionARN(topicARN, protocol, endpoint))
			return true
		}
	}
	return false
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

// ListTopics lists the topics of the client's account and region,
// paginated. (A read, but only fix uses it, so it lives with the writes.)
func (s *SNS) ListTopics(ctx context.Context, in *sns.ListTopicsInput, _ ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:ListTopics"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	a, err := s.c.lookup(s.account)
	if err != nil {
		return nil, err
	}
	var topics []snstypes.Topic
	if r, ok := a.Regional[s.region]; ok {
		for _, arn := range sortedKeys(r.Topics) {
			topics = append(topics, snstypes.Topic{TopicArn: aws.String(arn)})
		}
	}
	lo, hi, next, err := s.c.page(len(topics), in.NextToken, 0)
	if err != nil {
		return nil, err
	}
	return &sns.ListTopicsOutput{Topics: topics[lo:hi], NextToken: next}, nil
}
