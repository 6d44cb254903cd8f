package detect

import (
	"testing"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/alert"
)

// Every rule's samples pass through the real engine.
func TestRuleSamples(t *testing.T) {
	for _, r := range DefaultRules() {
		m, err := filterpattern.Compile(r.Pattern)
		if err != nil {
			t.Fatalf("%s: compile %q: %v", r.Name, r.Pattern, err)
		}
		if len(r.Matches) == 0 || len(r.NoMatches) == 0 {
			t.Errorf("%s: a rule needs positive and negative samples", r.Name)
		}
		for _, s := range r.Matches {
			if !m.Match([]byte(s)) {
				t.Errorf("%s: does not match sample it must match:\n%s", r.Name, s)
			}
		}
		for _, s := range r.NoMatches {
			if m.Match([]byte(s)) {
				t.Errorf("%s: matches sample it must not match:\n%s", r.Name, s)
			}
		}
	}
}

func TestDetect(t *testing.T) {
	d, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	rootStopLogging := `{"userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-30T10:07:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.66","eventID":"e-both","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
	tests := []struct {
		name  string
		raw   string
		rules []string
		sev   []alert.Severity
	}{
		{"root api call", sampleRootAPICall, []string{alert.RuleRootUsage}, []alert.Severity{alert.SeverityCritical}},
		{"root console", sampleRootConsoleSignIn, []string{alert.RuleRootUsage}, []alert.Severity{alert.SeverityCritical}},
		{"invokedBy", sampleRootInvokedBy, nil, nil},
		{"service event", sampleRootServiceEvent, nil, nil},
		{"iam user", sampleIAMUser, nil, nil},
		{"tamper by role", sampleDeleteAlarmsByRole, []string{alert.RuleTamper}, []alert.Severity{alert.SeverityCritical}},
		{"tamper denied", sampleDisableAlarmActionsDenied, []string{alert.RuleTamper}, []alert.Severity{alert.SeverityWarning}},
		{"root tampering", rootStopLogging, []string{alert.RuleRootUsage, alert.RuleTamper}, []alert.Severity{alert.SeverityCritical, alert.SeverityCritical}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := d.Detect([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != len(tt.rules) {
				t.Fatalf("got %d matches %+v, want rules %v", len(ms), ms, tt.rules)
			}
			for i, m := range ms {
				if m.Rule != tt.rules[i] || m.Severity != tt.sev[i] {
					t.Errorf("match %d = %s/%s, want %s/%s", i, m.Rule, m.Severity, tt.rules[i], tt.sev[i])
				}
			}
		})
	}
}

func TestParseEvent(t *testing.T) {
	e, err := ParseEvent([]byte(sampleRootConsoleSignIn))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "11111111-0000-4000-8000-000000000002" || e.Account != "111122223333" || e.Name != "ConsoleLogin" ||
		e.SourceIP != "203.0.113.10" || e.MFAUsed != "Yes" || e.Identity != "arn:aws:iam::111122223333:root" ||
		e.Time.Format("15:04:05") != "10:01:00" {
		t.Errorf("ParseEvent = %+v", e)
	}
	if got := e.ConsoleURL(); got != "https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/11111111-0000-4000-8000-000000000002" {
		t.Errorf("ConsoleURL = %s", got)
	}
	f, err := ParseEvent([]byte(sampleRootFailedSignIn))
	if err != nil {
		t.Fatal(err)
	}
	if f.ErrorCode == "" {
		t.Error("failed console sign-in has no error code")
	}
	noID, err := ParseEvent([]byte(`{"userIdentity":{"type":"Root"}}`))
	if err != nil || noID.ID == "" {
		t.Errorf("record without eventID: id %q, err %v", noID.ID, err)
	}
	if _, err := ParseEvent([]byte(`{"userIdentity":`)); err == nil {
		t.Error("truncated record parsed without error")
	}
}

func TestPushdownPattern(t *testing.T) {
	p := PushdownPattern(DefaultRules())
	m, err := filterpattern.Compile(p)
	if err != nil {
		t.Fatalf("pushdown pattern %q does not compile: %v", p, err)
	}
	if len(p) > 1024 {
		t.Errorf("pushdown pattern is %d characters; CloudWatch allows 1024", len(p))
	}
	for _, r := range DefaultRules() {
		for _, s := range r.Matches {
			if !m.Match([]byte(s)) {
				t.Errorf("pushdown misses a %s sample: %s", r.Name, s)
			}
		}
	}
	if m.Match([]byte(sampleIAMUser)) {
		t.Error("pushdown matches an ordinary IAM user call")
	}
}
