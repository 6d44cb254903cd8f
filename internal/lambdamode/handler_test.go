package lambdamode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
)

const topicARN = "arn:aws:sns:us-east-1:111122223333:rootwatch-root-activity"

// fakeSNS records what was published and can be told to fail like SNS
// does when throttled.
type fakeSNS struct {
	mu        sync.Mutex
	published []*awssns.PublishInput
	fail      error
	// strictSubject refuses a subject as the older SNS reference documents
	// it (printable ASCII, fewer than 100 characters), as an endpoint that
	// enforces that rule does.
	strictSubject bool
}

func (f *fakeSNS) Publish(_ context.Context, in *awssns.PublishInput, _ ...func(*awssns.Options)) (*awssns.PublishOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	if subj := aws.ToString(in.Subject); f.strictSubject && !asciiSubject(subj) {
		return nil, &smithy.GenericAPIError{Code: "InvalidParameter", Message: "Invalid parameter: Subject"}
	}
	f.published = append(f.published, in)
	return &awssns.PublishOutput{MessageId: aws.String("m-1")}, nil
}

type fakeS3 struct{ objects map[string][]byte }

func (f fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	b, ok := f.objects[*in.Bucket+"/"+*in.Key]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func asciiSubject(s string) bool {
	if s == "" || len(s) >= 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// fakeIAM answers the account alias; the zero value is "prod-payments".
type fakeIAM struct{ alias string }

func (f fakeIAM) ListAccountAliases(context.Context, *iam.ListAccountAliasesInput, ...func(*iam.Options)) (*iam.ListAccountAliasesOutput, error) {
	if f.alias != "" {
		return &iam.ListAccountAliasesOutput{AccountAliases: []string{f.alias}}, nil
	}
	return &iam.ListAccountAliasesOutput{AccountAliases: []string{"prod-payments"}}, nil
}

type fakeSTS struct{}

func (fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String("111122223333")}, nil
}

func newTestHandler(t *testing.T, pub *fakeSNS) *Handler {
	t.Helper()
	return newTestHandlerAlias(t, pub, fakeIAM{})
}

func newTestHandlerAlias(t *testing.T, pub *fakeSNS, alias fakeIAM) *Handler {
	t.Helper()
	ctx := context.Background()
	set, err := build.Build(ctx, build.Config{}, []string{"sns:" + topicARN}, build.Deps{
		SNS: func(context.Context, string) (sns.Publisher, error) { return pub, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	det, err := detect.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile("testdata/logfile.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{
		Detector:  det,
		Notifiers: set,
		Enricher:  enrich.New(enrich.Options{Alias: alias, Identity: fakeSTS{}}),
		S3: fakeS3{objects: map[string][]byte{
			"org-trail-logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/30/111122223333_CloudTrail_us-east-1_20261130T0920Z_abcdefgh12345678.json.gz": log,
		}},
		Now: func() time.Time { return time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func read(t *testing.T, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInvokeShapes(t *testing.T) {
	for _, tc := range []struct {
		file string
		// event names of the SNS messages, in order
		want []string
	}{
		{"eventbridge-console-login.json", []string{"ConsoleLogin"}},
		{"eventbridge-create-access-key.json", []string{"CreateAccessKey"}},
		// The subscription holds a root API call, an IAM user's call and a
		// root call invoked by AWS Support: only the first is CIS 4.3.
		{"cloudwatch-logs-subscription.json", []string{"CreateAccessKey"}},
		// The log file the notification points at: root sign-in, IAM user, support.
		{"s3-notification.json", []string{"ConsoleLogin"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			pub := &fakeSNS{}
			h := newTestHandler(t, pub)
			if _, err := h.Invoke(context.Background(), read(t, tc.file)); err != nil {
				t.Fatal(err)
			}
			if len(pub.published) != len(tc.want) {
				t.Fatalf("published %d messages, want %d", len(pub.published), len(tc.want))
			}
			for i, in := range pub.published {
				checkPublish(t, in, tc.want[i])
			}
		})
	}
}

// checkPublish holds the seed's rule for the SNS message: subject with the
// event name and the account alias, at most 100 characters; body with the
// details and the event.
func checkPublish(t *testing.T, in *awssns.PublishInput, eventName string) {
	t.Helper()
	if aws.ToString(in.TopicArn) != topicARN {
		t.Errorf("TopicArn = %s", aws.ToString(in.TopicArn))
	}
	subj := aws.ToString(in.Subject)
	if utf8.RuneCountInString(subj) > 100 || len(subj) == 0 {
		t.Errorf("subject %q: want 1-100 characters", subj)
	}
	if !strings.Contains(subj, eventName) || !strings.Contains(subj, "prod-payments") {
		t.Errorf("subject %q lacks the event name %s or the account alias", subj, eventName)
	}
	msg := aws.ToString(in.Message)
	for _, want := range []string{"111122223333", "203.0.113.10", eventName} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestSQSPartialBatchFailure(t *testing.T) {
	pub := &fakeSNS{}
	h := newTestHandler(t, pub)
	out, err := h.Invoke(context.Background(), read(t, "sqs-batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	// The garbage message fails alone; the root sign-in is delivered and
	// the IAM user's call is read and ignored.
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m-garbage" {
		t.Fatalf("batch item failures = %+v, want only m-garbage", resp.BatchItemFailures)
	}
	if len(pub.published) != 1 {
		t.Fatalf("published %d, want 1", len(pub.published))
	}
	checkPublish(t, pub.published[0], "ConsoleLogin")
}

func TestSNSFailureFailsTheInvocation(t *testing.T) {
	pub := &fakeSNS{fail: &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}}
	h := newTestHandler(t, pub)
	_, err := h.Invoke(context.Background(), read(t, "eventbridge-console-login.json"))
	if err == nil {
		t.Fatal("a failed publish must fail the invocation so Lambda retries it")
	}
	// In a batch, the message whose alert could not be sent is reported.
	out, err := h.Invoke(context.Background(), read(t, "sqs-batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var resp events.SQSEventResponse
	_ = json.Unmarshal(out, &resp)
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	if strings.Join(ids, ",") != "m-login,m-garbage" {
		t.Errorf("failures = %v, want m-login,m-garbage", ids)
	}
}

func TestMissingS3ObjectFails(t *testing.T) {
	h := newTestHandler(t, &fakeSNS{})
	h.o.S3 = fakeS3{}
	_, err := h.Invoke(context.Background(), read(t, "s3-notification.json"))
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "NoSuchKey" {
		t.Fatalf("err = %v, want NoSuchKey", err)
	}
}

func TestNotJSONFails(t *testing.T) {
	h := newTestHandler(t, &fakeSNS{})
	if _, err := h.Invoke(context.Background(), json.RawMessage(`{"hello":"world"}`)); err == nil {
		t.Fatal("a payload that holds no CloudTrail data must fail, not pass silently")
	}
}

// TestLongNamesStillPublish: recorded root events whose event name is 100
// characters, with the longest aliases IAM allows (63 characters, here
// also non-ASCII), are all published through an SNS that enforces the
// documented subject rule; before, the subject ran past 100 bytes, SNS
// refused it and the alert went to the dead-letter queue (issue 10 §6).
func TestLongNamesStillPublish(t *testing.T) {
	name100 := strings.Repeat("DescribeSomethingVeryLong", 4)
	for _, alias := range []string{strings.Repeat("a", 63), strings.Repeat("ü", 63), "prod-payments"} {
		pub := &fakeSNS{strictSubject: true}
		h := newTestHandlerAlias(t, pub, fakeIAM{alias: alias})
		ev := strings.Replace(string(read(t, "eventbridge-create-access-key.json")), `"eventName": "CreateAccessKey"`, `"eventName": "`+name100+`"`, 1)
		if !strings.Contains(ev, name100) {
			t.Fatal("the recorded event has no eventName to lengthen")
		}
		if _, err := h.Invoke(context.Background(), []byte(ev)); err != nil {
			t.Fatalf("alias %q: %v", alias, err)
		}
		if len(pub.published) != 1 {
			t.Fatalf("alias %q: published %d, want 1", alias, len(pub.published))
		}
		if subj := aws.ToString(pub.published[0].Subject); !strings.Contains(subj, "Describe") {
			t.Errorf("alias %q: subject %q lost the event name", alias, subj)
		}
	}
}
