// Package sns publishes alerts to an Amazon SNS topic: a subject under 100
// characters that keeps the event name and the account, the plain-text
// body with every event, and message attributes that subscription filter
// policies can match (rule, account, severity).
package sns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/format"
)

// MaxMessageBytes is SNS's message limit (256 KiB, counted in bytes).
// Attributes count against it too, so the body keeps a margin.
const (
	MaxMessageBytes = 256 << 10
	bodyBudget      = MaxMessageBytes - 4<<10
)

// Publisher is the part of the SNS API the notifier uses.
type Publisher interface {
	Publish(ctx context.Context, in *awssns.PublishInput, optFns ...func(*awssns.Options)) (*awssns.PublishOutput, error)
}

var _ Publisher = (*awssns.Client)(nil)

// Config configures one topic.
type Config struct {
	TopicARN string `yaml:"topic_arn"`
	// Region defaults to the topic ARN's region.
	Region string `yaml:"region"`
	// NoAttributes turns off message attributes (some HTTP subscribers
	// choke on them in raw delivery mode).
	NoAttributes bool `yaml:"no_attributes"`
}

// Defaults fills unset fields.
func (c *Config) Defaults() {
	if c.Region == "" {
		if a, err := arn.Parse(c.TopicARN); err == nil {
			c.Region = a.Region
		}
	}
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	if c.TopicARN == "" {
		return errors.New("topic_arn is required")
	}
	a, err := arn.Parse(c.TopicARN)
	if err != nil {
		return fmt.Errorf("topic_arn %q is not an ARN (expected arn:aws:sns:REGION:ACCOUNT:TOPIC)", c.TopicARN)
	}
	if a.Service != "sns" || a.Region == "" || a.AccountID == "" || a.Resource == "" || strings.Contains(a.Resource, ":") {
		return fmt.Errorf("topic_arn %q is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT:TOPIC)", c.TopicARN)
	}
	return nil
}

// Deps are the notifier's outside world.
type Deps struct {
	// Client publishes in the topic's region (*sns.Client satisfies it).
	Client Publisher
}

// Notifier publishes to one topic.
type Notifier struct {
	cfg    Config
	client Publisher
	fifo   bool
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sns: %w", err)
	}
	if deps.Client == nil {
		return nil, errors.New("sns: no SNS client")
	}
	return &Notifier{cfg: cfg, client: deps.Client, fifo: strings.HasSuffix(cfg.TopicARN, ".fifo")}, nil
}

// Input builds the Publish call for a.
func (n *Notifier) Input(a alert.Alert) *awssns.PublishInput {
	in := &awssns.PublishInput{
		TopicArn: aws.String(n.cfg.TopicARN),
		Subject:  aws.String(format.ASCIISubject(a, format.MaxSubject)),
		// SNS replaces a message that is not valid UTF-8 with an error
		// text; an event with bad bytes must not cost the whole alert.
		Message: aws.String(format.TruncateBytes(strings.ToValidUTF8(format.Body(a), "\uFFFD"), bodyBudget)),
	}
	if !n.cfg.NoAttributes {
		in.MessageAttributes = map[string]types.MessageAttributeValue{}
		add := func(k, v string) {
			// Attribute values may hold no control characters (SNS answers
			// InvalidParameterValue), and filter policies match one line.
			if v = format.OneLine(v); v != "" {
				in.MessageAttributes[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
			}
		}
		add("rootwatch.alert_id", a.ID)
		add("rootwatch.rule", a.Rule)
		add("rootwatch.kind", string(a.Kind))
		add("rootwatch.severity", a.Severity.String())
		add("rootwatch.account", a.Account)
		add("rootwatch.event_name", a.EventName)
	}
	if n.fifo {
		// FIFO topics require both; the alert ID makes SNS itself drop an
		// outbox redelivery within its five-minute dedup window.
		in.MessageGroupId = aws.String(groupID(a))
		in.MessageDeduplicationId = aws.String(dedupID(a.ID))
	}
	return in
}

// Notify publishes a.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	if _, err := n.client.Publish(ctx, n.Input(a)); err != nil {
		return classify(fmt.Errorf("sns: publish alert %s to %s: %w", a.ID, n.cfg.TopicARN, err))
	}
	return nil
}

// retryableCodes are the SNS (and shared AWS) error codes that a later
// attempt can succeed after.
var retryableCodes = map[string]bool{
	"Throttled": true, "Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestLimitExceeded": true, "TooManyRequestsException": true, "KMSThrottling": true,
	"KMSThrottlingException": true, "InternalError": true, "InternalFailure": true,
	"ServiceUnavailable": true, "RequestTimeout": true, "RequestTimeoutException": true,
}

func classify(err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if retryableCodes[apiErr.ErrorCode()] {
			return notify.Temporary(err)
		}
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
			return notify.Temporary(err)
		}
		// NotFound, AuthorizationError, InvalidParameter, KMSDisabled…:
		// a person has to fix the topic or its policy.
		return notify.Permanent(err)
	}
	// Network errors, timeouts, and anything unknown: dropping an alert is
	// worse than a retry.
	return notify.Temporary(err)
}

func groupID(a alert.Alert) string {
	if a.Account != "" {
		return "rootwatch-" + a.Account
	}
	return "rootwatch"
}

// dedupID keeps the characters SNS allows (alphanumerics and punctuation,
// up to 128).
func dedupID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r > ' ' && r < 0x7f {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 128 {
		s = s[:128]
	}
	if s == "" {
		s = "rootwatch"
	}
	return s
}
