package awsread

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// readTopics reads every SNS topic a kept alarm notifies.
func (r *accountReader) readTopics(ctx context.Context) {
	seen := map[string]bool{}
	for _, al := range r.a.Alarms {
		for _, act := range al.AlarmActions {
			p, err := inventory.ParseARN(act)
			if err != nil || p.Service != "sns" || seen[act] {
				continue
			}
			seen[act] = true
			r.a.Topics = append(r.a.Topics, inventory.Topic{ARN: act, Region: p.Region})
		}
	}
	r.parallel(ctx, len(r.a.Topics), func(ctx context.Context, i int) {
		ReadTopic(ctx, r.conn.SNS(r.a.Topics[i].Region), &r.a.Topics[i], r.o.Retry)
	})
}

// ReadTopic fills t (its ARN and Region set) from SNS: attributes, then
// every subscription, retrying throttling. A topic SNS does not know is
// left with Found false; any other failure is recorded on t. The audit
// and fix read topics through it alike.
func ReadTopic(ctx context.Context, c SNSAPI, t *inventory.Topic, retry Retry) {
	attrs, err := do(ctx, retry, "sns:GetTopicAttributes", func(ctx context.Context) (*sns.GetTopicAttributesOutput, error) {
		return c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(t.ARN)})
	})
	if err != nil {
		if code(err) == "NotFound" || code(err) == "NotFoundException" {
			return
		}
		t.Error = readErr(err)
		return
	}
	t.Found = true
	t.Policy = attrs.Attributes["Policy"]
	t.KMSMasterKeyID = attrs.Attributes["KmsMasterKeyId"]
	var token *string
	for {
		page, err := do(ctx, retry, "sns:ListSubscriptionsByTopic", func(ctx context.Context) (*sns.ListSubscriptionsByTopicOutput, error) {
			return c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(t.ARN), NextToken: token})
		})
		if err != nil {
			t.SubscriptionsError = readErr(err)
			return
		}
		for _, s := range page.Subscriptions {
			t.Subscriptions = append(t.Subscriptions, inventory.Subscription{
				ARN: aws.ToString(s.SubscriptionArn), Protocol: aws.ToString(s.Protocol),
				Endpoint: aws.ToString(s.Endpoint), Owner: aws.ToString(s.Owner),
			})
		}
		if token = page.NextToken; token == nil || *token == "" {
			return
		}
	}
}

// readKeys reads the KMS key of each encrypted topic: its manager (an
// AWS-managed key such as alias/aws/sns cannot be used by CloudWatch) and,
// for customer keys, the key policy.
func (r *accountReader) readKeys(ctx context.Context) {
	seen := map[string]bool{}
	for _, t := range r.a.Topics {
		if t.KMSMasterKeyID == "" || seen[t.Region+" "+t.KMSMasterKeyID] {
			continue
		}
		seen[t.Region+" "+t.KMSMasterKeyID] = true
		r.a.Keys = append(r.a.Keys, inventory.Key{Ref: t.KMSMasterKeyID, Region: t.Region})
	}
	r.parallel(ctx, len(r.a.Keys), func(ctx context.Context, i int) { r.readKey(ctx, &r.a.Keys[i]) })
}

func (r *accountReader) readKey(ctx context.Context, k *inventory.Key) {
	c := r.conn.KMS(k.Region)
	d, err := do(ctx, r.o.Retry, "kms:DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(k.Ref)})
	})
	if err != nil {
		if code(err) == "NotFoundException" {
			return
		}
		k.Error = readErr(err)
		return
	}
	k.Found = true
	md := d.KeyMetadata
	k.ARN, k.Manager, k.State = aws.ToString(md.Arn), string(md.KeyManager), string(md.KeyState)
	if md.KeyManager == kmstypes.KeyManagerTypeAws || strings.HasPrefix(k.Ref, "alias/aws/") {
		return
	}
	p, err := do(ctx, r.o.Retry, "kms:GetKeyPolicy", func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
		return c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: md.KeyId, PolicyName: aws.String("default")})
	})
	if err != nil {
		k.PolicyError = readErr(err)
		return
	}
	k.Policy = aws.ToString(p.Policy)
}
