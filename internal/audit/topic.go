package audit

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

type topicOption struct {
	link  Link
	topic *inventory.Topic
}

// topicOptions checks each SNS action of al: the topic exists in the
// alarm's region, its policy lets CloudWatch publish, and its KMS key (if
// any) is one CloudWatch may use.
func topicOptions(owner *inventory.Account, al *inventory.Alarm) []topicOption {
	var out []topicOption
	var other []string
	for _, act := range al.AlarmActions {
		p, err := inventory.ParseARN(act)
		if err != nil || p.Service != "sns" {
			other = append(other, act)
			continue
		}
		out = append(out, checkTopic(owner, al, act, p))
	}
	if len(out) == 0 {
		l := Link{Name: LinkTopic, Resource: al.Name, Status: Fail,
			Detail: "alarm " + al.Name + " has no SNS topic action",
			Fix:    "rootwatch fix (or: aws cloudwatch put-metric-alarm ... --alarm-actions TOPIC_ARN)"}
		if len(other) > 0 {
			l.Detail += " (its actions: " + strings.Join(other, ", ") + ")"
		}
		return []topicOption{{link: l}}
	}
	return out
}

func checkTopic(owner *inventory.Account, al *inventory.Alarm, arn string, p inventory.ARN) topicOption {
	l := Link{Name: LinkTopic, Resource: arn}
	fix := "rootwatch fix"
	if p.Region != al.Region {
		l.Status, l.Fix = Fail, fix
		l.Detail = fmt.Sprintf("topic is in %s but the alarm is in %s; CloudWatch notifies topics in the alarm's region only", p.Region, al.Region)
		return topicOption{link: l}
	}
	t := owner.Topic(arn)
	switch {
	case t == nil:
		l.Status, l.Detail = Unknown, "topic was not read"
		return topicOption{link: l}
	case t.Error != nil:
		l.Status, l.Detail = Unknown, t.Error.Verdict()
		return topicOption{link: l}
	case !t.Found:
		l.Status, l.Fix = Fail, fix
		l.Detail = "topic does not exist: the alarm notifies nowhere"
		return topicOption{link: l}
	}
	var fails, notes []string
	if ok, why := CloudWatchMayPublish(t.Policy, arn, al.ARN, owner.ID); !ok {
		fails = append(fails, "its policy does not let CloudWatch publish: "+why)
	}
	var unknown string
	if t.KMSMasterKeyID != "" {
		k := owner.Key(t.Region, t.KMSMasterKeyID)
		switch {
		case isAWSManagedSNSKey(t.KMSMasterKeyID) || (k != nil && k.Found && k.Manager == "AWS"):
			fails = append(fails, "it is encrypted with the AWS-managed key "+t.KMSMasterKeyID+", whose key policy CloudWatch cannot use, so alarm notifications are dropped; use a customer managed key")
		case k == nil:
			unknown = "its KMS key " + t.KMSMasterKeyID + " was not read"
		case k.Error != nil:
			unknown = "KMS key " + t.KMSMasterKeyID + ": " + k.Error.Verdict()
		case !k.Found:
			fails = append(fails, "its KMS key "+t.KMSMasterKeyID+" does not exist")
		case k.State != "" && k.State != "Enabled":
			fails = append(fails, "its KMS key "+t.KMSMasterKeyID+" is "+k.State)
		case k.PolicyError != nil:
			unknown = "KMS key policy: " + k.PolicyError.Verdict()
		default:
			if ok, why := CloudWatchMayUseKey(k.Policy, al.ARN, owner.ID); !ok {
				fails = append(fails, "its KMS key policy does not let cloudwatch.amazonaws.com use the key: "+why)
			} else {
				notes = append(notes, "encrypted with "+t.KMSMasterKeyID+", which CloudWatch may use")
			}
		}
	}
	switch {
	case len(fails) > 0:
		l.Status, l.Fix = Fail, fix
		l.Detail = strings.Join(fails, "; ")
		return topicOption{link: l, topic: t}
	case unknown != "":
		l.Status, l.Detail = Unknown, unknown
		return topicOption{link: l, topic: t}
	}
	l.Status = Pass
	l.Detail = "topic exists and CloudWatch may publish to it"
	if len(notes) > 0 {
		l.Detail += "; " + strings.Join(notes, "; ")
	}
	if t.KMSMasterKeyID == "" {
		// Not a delivery problem: CloudWatch publishes to an unencrypted
		// topic. It is advice (SNS.1 in Security Hub's foundational
		// standard), not part of CIS 4.3.
		l.Warnings = append(l.Warnings, Warning{Code: WarnTopicUnencrypted,
			Message: "topic has no server-side encryption; alerts about root use rest unencrypted in SNS",
			Fix:     "encrypt it with a customer managed KMS key whose policy lets cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*): aws sns set-topic-attributes --topic-arn " + arn + " --attribute-name KmsMasterKeyId --attribute-value alias/YOUR-KEY (not alias/aws/sns, which CloudWatch cannot use)"})
	}
	return topicOption{link: l, topic: t}
}

func isAWSManagedSNSKey(ref string) bool {
	return ref == "alias/aws/sns" || strings.HasSuffix(ref, ":alias/aws/sns")
}

// subscriptionLink needs one confirmed subscription; pending ones are
// listed, never counted.
func subscriptionLink(t *inventory.Topic) Link {
	l := Link{Name: LinkSubscription, Resource: t.ARN}
	if t.SubscriptionsError != nil {
		l.Status, l.Detail = Unknown, t.SubscriptionsError.Verdict()
		return l
	}
	var confirmed, pending []string
	emailOnly := true
	for _, s := range t.Subscriptions {
		d := s.Protocol + ":" + redactEndpoint(s.Protocol, s.Endpoint)
		if s.Pending() {
			pending = append(pending, d)
		} else {
			confirmed = append(confirmed, d)
			emailOnly = emailOnly && (s.Protocol == "email" || s.Protocol == "email-json")
		}
	}
	pend := ""
	if len(pending) > 0 {
		pend = fmt.Sprintf("; %d pending confirmation, not counted: %s", len(pending), strings.Join(pending, ", "))
	}
	if len(confirmed) == 0 {
		l.Status = Fail
		l.Detail = "no confirmed subscription" + pend
		l.Fix = "rootwatch fix --email YOU@EXAMPLE.COM"
		if len(pending) > 0 {
			l.Fix = "confirm the pending subscription (the link in the confirmation message), or rootwatch fix --email YOU@EXAMPLE.COM"
		}
		return l
	}
	l.Status = Pass
	l.Detail = fmt.Sprintf("%d confirmed: %s%s", len(confirmed), strings.Join(confirmed, ", "), pend)
	if emailOnly {
		l.Warnings = append(l.Warnings, Warning{Code: WarnEmailOnly,
			Message: "every confirmed subscription is email: a root-use alert waits in a mailbox, may be filtered as bulk mail, and pages nobody",
			Fix:     "add a subscription that reaches people promptly (chat, paging, a queue a responder watches): rootwatch fix --subscribe PROTOCOL:ENDPOINT (e.g. sqs:arn:aws:sqs:REGION:ACCOUNT:QUEUE), or aws sns subscribe --topic-arn " + t.ARN + " --protocol https --notification-endpoint URL"})
	}
	return l
}

// redactEndpoint keeps reports free of webhook secrets: HTTP endpoints
// show scheme and host only.
func redactEndpoint(protocol, endpoint string) string {
	if protocol == "http" || protocol == "https" {
		if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host + "/…"
		}
		return "(endpoint hidden)"
	}
	return endpoint
}
