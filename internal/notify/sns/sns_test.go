package sns

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/format"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

const topic = "arn:aws:sns:us-east-1:111122223333:rootwatch-alerts"

func TestPublish(t *testing.T) {
	f := newFakeSNS(t, topic)
	n, err := New(Config{TopicARN: topic}, Deps{Client: f.client()})
	if err != nil {
		t.Fatal(err)
	}
	a := notifytest.Alert()
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	v := f.last(t)
	if got, want := v.Get("Subject"), "Root usage: ConsoleLogin +1 more in prod-payments (123456789012)"; got != want {
		t.Errorf("Subject = %q, want %q", got, want)
	}
	msg := v.Get("Message")
	for _, want := range []string{"Root user signed in", a.EventIDs[0], a.EventIDs[1], `"eventName": "ListUsers"`, "cloudtrailv2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Message lacks %q", want)
		}
	}
	attrs := attributes(v)
	for k, want := range map[string]string{
		"rootwatch.alert_id": "String:" + a.ID,
		"rootwatch.rule":     "String:cis-4.3-root-usage",
		"rootwatch.severity": "String:critical",
		"rootwatch.account":  "String:123456789012",
	} {
		if attrs[k] != want {
			t.Errorf("attribute %s = %q, want %q", k, attrs[k], want)
		}
	}
	if v.Get("MessageGroupId") != "" {
		t.Error("standard topic got a MessageGroupId")
	}
}

func TestLongAliasAndHugeEventsAccepted(t *testing.T) {
	f := newFakeSNS(t, topic)
	n, _ := New(Config{TopicARN: topic}, Deps{Client: f.client()})
	a := notifytest.Alert()
	a.AccountAlias = strings.Repeat("très-long-alias-", 20)
	big := `{"x":"` + strings.Repeat("é", 200<<10) + `"}`
	a.Events = append(a.Events, []byte(big))
	if err := n.Notify(context.Background(), a); err != nil {
		t.Fatalf("SNS would reject: %v", err)
	}
	if s := f.last(t).Get("Subject"); !strings.Contains(s, "ConsoleLogin") || !strings.Contains(s, "123456789012") {
		t.Errorf("subject lost event or account: %q", s)
	}
}

// Lambda mode publishes root alerts with 100-character event names and
// long or non-Latin aliases; SNS must accept every one (issue 10 §6).
func TestHostileAndLongValuesPublished(t *testing.T) {
	name100 := strings.Repeat("DescribeSomethingVeryLong", 4)
	tests := map[string]func(*alert.Alert){
		"100-character event name": func(a *alert.Alert) { a.EventName = name100 },
		"long accented alias":      func(a *alert.Alert) { a.AccountAlias = strings.Repeat("très-long-alias-", 20) },
		"non-Latin alias":          func(a *alert.Alert) { a.AccountAlias = "支払い本番環境アカウント" },
		"both long":                func(a *alert.Alert) { a.EventName = name100; a.AccountAlias = strings.Repeat("ü", 63) },
		"control characters": func(a *alert.Alert) {
			a.EventName = "Console\r\nLogin\x00"
			a.AccountAlias = "prod\x1b[2Jpayments\u202e"
			a.Events = append(a.Events, []byte("{\"bad\":\"\xff\xfe\"}"))
		},
		"10000 event IDs": func(a *alert.Alert) {
			a.EventIDs = nil
			for i := range 10000 {
				a.EventIDs = append(a.EventIDs, fmt.Sprintf("3b5a2f4e-1111-4000-8000-%012d", i))
			}
		},
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFakeSNS(t, topic)
			n, _ := New(Config{TopicARN: topic}, Deps{Client: f.client()})
			a := notifytest.Alert()
			edit(&a)
			if err := n.Notify(context.Background(), a); err != nil {
				t.Fatalf("SNS would reject: %v", err)
			}
			s := f.last(t).Get("Subject")
			if !strings.Contains(s, "123456789012") || !strings.Contains(s, format.ASCII(format.OneLine(a.EventName))[:5]) {
				t.Errorf("subject lost the event or the account: %q", s)
			}
		})
	}
}

func TestFIFO(t *testing.T) {
	fifo := "arn:aws:sns:eu-west-1:111122223333:rootwatch.fifo"
	f := newFakeSNS(t, fifo)
	n, err := New(Config{TopicARN: fifo}, Deps{Client: f.client()})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), notifytest.Alert()); err != nil {
		t.Fatal(err)
	}
	v := f.last(t)
	if v.Get("MessageDeduplicationId") != notifytest.Alert().ID || v.Get("MessageGroupId") != "rootwatch-123456789012" {
		t.Errorf("fifo ids = %q %q", v.Get("MessageDeduplicationId"), v.Get("MessageGroupId"))
	}
}

func TestFailureClassification(t *testing.T) {
	tests := []struct {
		code      string
		retryable bool
	}{
		{"Throttling", true},
		{"Throttled", true},
		{"KMSThrottling", true},
		{"InternalError", true},
		{"AuthorizationError", false},
		{"InvalidParameter", false},
		{"KMSDisabled", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			f := newFakeSNS(t, topic)
			f.failCode = tt.code
			n, _ := New(Config{TopicARN: topic}, Deps{Client: f.client()})
			err := n.Notify(context.Background(), notifytest.Alert())
			notifytest.CheckFailure(t, err, tt.retryable, "fake-secret-key")
			if !strings.Contains(err.Error(), tt.code) || !strings.Contains(err.Error(), topic) {
				t.Errorf("error lacks code or topic: %v", err)
			}
		})
	}
}

func TestThrottledThenDelivered(t *testing.T) {
	f := newFakeSNS(t, topic)
	f.throttle = 1
	n, _ := New(Config{TopicARN: topic}, Deps{Client: f.client()})
	err := n.Notify(context.Background(), notifytest.Alert())
	notifytest.CheckFailure(t, err, true)
	if err := n.Notify(context.Background(), notifytest.Alert()); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

func TestUnknownTopicPermanent(t *testing.T) {
	f := newFakeSNS(t) // no topics
	n, _ := New(Config{TopicARN: topic}, Deps{Client: f.client()})
	notifytest.CheckFailure(t, n.Notify(context.Background(), notifytest.Alert()), false)
}

func TestNetworkErrorRetryable(t *testing.T) {
	f := newFakeSNS(t, topic)
	c := f.client()
	f.Close()
	n, _ := New(Config{TopicARN: topic}, Deps{Client: c})
	notifytest.CheckFailure(t, n.Notify(context.Background(), notifytest.Alert()), true)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		arn, want string
	}{
		{"", "topic_arn is required"},
		{"rootwatch-alerts", "not an ARN"},
		{"arn:aws:sqs:us-east-1:111122223333:q", "not an SNS topic ARN"},
		{"arn:aws:sns:us-east-1:111122223333:t:sub-id", "not an SNS topic ARN"},
		{topic, ""},
	}
	for _, tt := range tests {
		err := Config{TopicARN: tt.arn}.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.arn, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.arn, err, tt.want)
		}
	}
	c := Config{TopicARN: "arn:aws:sns:eu-central-1:111122223333:t"}
	c.Defaults()
	if c.Region != "eu-central-1" {
		t.Errorf("region = %q", c.Region)
	}
}
