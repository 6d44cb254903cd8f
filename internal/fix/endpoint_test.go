package fix

import (
	"strings"
	"testing"
)

func TestParseSubscribe(t *testing.T) {
	tests := []struct {
		in      string
		want    Endpoint
		wantErr string
	}{
		{in: "email:ops@example.com", want: Endpoint{"email", "ops@example.com"}},
		{in: "EMAIL:ops@example.com", want: Endpoint{"email", "ops@example.com"}},
		{in: "sqs:arn:aws:sqs:us-east-1:111122223333:root-alerts", want: Endpoint{"sqs", "arn:aws:sqs:us-east-1:111122223333:root-alerts"}},
		{in: "sqs:arn:aws:sqs:us-east-1:111122223333:alerts.fifo", want: Endpoint{"sqs", "arn:aws:sqs:us-east-1:111122223333:alerts.fifo"}},
		{in: "lambda:arn:aws:lambda:eu-west-1:111122223333:function:notify:live", want: Endpoint{"lambda", "arn:aws:lambda:eu-west-1:111122223333:function:notify:live"}},
		{in: "https://hooks.example.com:8443/x?token=abc", wantErr: "the endpoint is the whole URL"},
		{in: "https:https://hooks.example.com:8443/x?token=abc", want: Endpoint{"https", "https://hooks.example.com:8443/x?token=abc"}},
		{in: "sms:+14155550100", want: Endpoint{"sms", "+14155550100"}},
		{in: "application:arn:aws:sns:us-east-1:111122223333:endpoint/APNS/app/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab", want: Endpoint{"application", "arn:aws:sns:us-east-1:111122223333:endpoint/APNS/app/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"}},
		{in: "ops@example.com", wantErr: "expected PROTOCOL:ENDPOINT"},
		{in: ":x", wantErr: "expected PROTOCOL:ENDPOINT"},
		{in: "email:", wantErr: "empty email endpoint"},
		{in: "email:not-an-address", wantErr: "not an email address"},
		{in: "email:Ops <ops@example.com>", wantErr: "bare address"},
		{in: "email:ops@localhost", wantErr: "fully qualified"},
		{in: "email: ops@example.com", wantErr: "spaces"},
		{in: "sqs:arn:aws:sns:us-east-1:111122223333:topic", wantErr: "expected arn:aws:sqs"},
		{in: "sqs:arn:aws:sqs:us-east-1:1234:q", wantErr: "expected arn:aws:sqs"},
		{in: "lambda:arn:aws:lambda:eu-west-1:111122223333:notify", wantErr: "function:NAME"},
		{in: "http:https://example.com/", wantErr: "expected a URL starting with http://"},
		{in: "https:https:///path-only", wantErr: "expected a URL"},
		{in: "sms:4155550100", wantErr: "E.164"},
		// Length limits: an SQS queue name is at most 80 characters with
		// its .fifo suffix; a function name 64, a qualifier 128.
		{in: "sqs:arn:aws:sqs:us-east-1:111122223333:" + strings.Repeat("q", 80), want: Endpoint{"sqs", "arn:aws:sqs:us-east-1:111122223333:" + strings.Repeat("q", 80)}},
		{in: "sqs:arn:aws:sqs:us-east-1:111122223333:" + strings.Repeat("q", 81), wantErr: "not a queue name"},
		{in: "sqs:arn:aws:sqs:us-east-1:111122223333:" + strings.Repeat("q", 76) + ".fifo", wantErr: "not a queue name"},
		{in: "lambda:arn:aws:lambda:eu-west-1:111122223333:function:" + strings.Repeat("f", 64) + ":" + strings.Repeat("v", 128), want: Endpoint{"lambda", "arn:aws:lambda:eu-west-1:111122223333:function:" + strings.Repeat("f", 64) + ":" + strings.Repeat("v", 128)}},
		{in: "lambda:arn:aws:lambda:eu-west-1:111122223333:function:" + strings.Repeat("f", 65), wantErr: "function:NAME"},
		{in: "lambda:arn:aws:lambda:eu-west-1:111122223333:function:f:" + strings.Repeat("v", 129), wantErr: "function:NAME"},
		{in: "firehose:arn:aws:firehose:us-east-1:111122223333:deliverystream/x", wantErr: "unknown protocol"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSubscribe(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSubscribe(%q) error = %v, want it to mention %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSubscribe(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseSubscribe(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestEndpointErrorsHideWebhookSecrets: a webhook URL carries its token in
// the path or query; messages show the host only.
func TestEndpointErrorsHideWebhookSecrets(t *testing.T) {
	for _, in := range []string{"http:https://hooks.example.com/services/SECRET?token=SECRET", "https://hooks.example.com/SECRET", "https:ftp://u:SECRET@h/SECRET"} {
		_, err := ParseSubscribe(in)
		if err == nil {
			t.Fatalf("%s: want an error", in)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error leaks the URL: %s", err)
		}
	}
	if got := displayEndpoint("https", "https://hooks.example.com/services/SECRET"); strings.Contains(got, "SECRET") {
		t.Errorf("displayEndpoint leaks: %s", got)
	}
}

func TestParseEmail(t *testing.T) {
	if _, err := ParseEmail("security@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseEmail("security@@example.com"); err == nil || !strings.Contains(err.Error(), "--email") {
		t.Fatalf("want an --email error, got %v", err)
	}
}

func FuzzParseSubscribe(f *testing.F) {
	for _, s := range []string{"email:ops@example.com", "sqs:arn:aws:sqs:us-east-1:111122223333:q", "https:https://h:1/p", "sms:+14155550100", "x", ":", "lambda:arn:aws:lambda:r:111122223333:function:f:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseSubscribe(s)
		if err != nil {
			return
		}
		// Whatever is accepted validates again and round-trips.
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted %q but Validate says %v", s, err)
		}
		back, err := ParseSubscribe(e.String())
		if err != nil || back != e {
			t.Fatalf("round trip of %q: %+v, %v", s, back, err)
		}
	})
}

// TestNameLengths: each name flag takes 1 to its AWS limit of characters.
func TestNameLengths(t *testing.T) {
	tests := []struct {
		flag string
		set  func(o *Options, v string)
		max  int
	}{
		{"--alarm-name", func(o *Options, v string) { o.AlarmName = v }, 255},
		{"--topic-name", func(o *Options, v string) { o.TopicName = v }, 256},
		{"--log-group-name", func(o *Options, v string) { o.LogGroupName = v }, 512},
		{"--role-name", func(o *Options, v string) { o.RoleName = v }, 64},
	}
	for _, tt := range tests {
		for n, ok := range map[int]bool{tt.max: true, tt.max + 1: false} {
			o := Options{}.WithDefaults()
			tt.set(&o, strings.Repeat("a", n))
			if err := o.Validate(); (err == nil) != ok {
				t.Errorf("%s of %d characters: err = %v, want ok=%v", tt.flag, n, err, ok)
			}
		}
	}
}
