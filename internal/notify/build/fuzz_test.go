package build

import (
	"strings"
	"testing"
)

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"slack:https://hooks.slack.com/services/T/B/X", "pagerduty:0123456789abcdef0123456789abcdef",
		"stdout:", "email:a@example.com,b@example.com", "sns:arn:aws:sns:us-east-1:1:t", "x", ":", "webhook:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := ParseSpec(raw)
		if err != nil {
			if s != (Spec{}) {
				t.Fatalf("error with a non-zero spec: %+v", s)
			}
			return
		}
		if !known(s.Kind) {
			t.Fatalf("accepted unknown kind %q", s.Kind)
		}
		if s.Kind == KindPagerDuty && len(s.Value) > len(":[REDACTED]") && strings.Contains(s.String(), s.Value) {
			t.Fatalf("String() shows the routing key: %q", s.String())
		}
	})
}
