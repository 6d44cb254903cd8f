package fix

import (
	"reflect"
	"testing"
)

// TestSpecsRoundTrip: every spec kind survives the journal unchanged, so
// backout restores exactly what was recorded.
func TestSpecsRoundTrip(t *testing.T) {
	def := 0.0
	specs := map[Kind]any{
		KindMetricFilter:  &MetricFilterSpec{LogGroup: "g", Name: "f", Pattern: "{ $.a = 1 }", MetricName: "m", Namespace: "n", Value: "1", Default: &def, Unit: "Count"},
		KindAlarm:         &AlarmSpec{Name: "a", Namespace: "n", MetricName: "m", Dimensions: map[string]string{"k": "v"}, Statistic: "Sum", Period: 60, Threshold: 1, Comparison: "GreaterThanThreshold", EvaluationPeriods: 2, DatapointsToAlarm: 1, ActionsEnabled: true, AlarmActions: []string{"arn:x"}, InsufficientDataActions: []string{"arn:y"}, Tags: map[string]string{TagManaged: "true"}},
		KindTopic:         &TopicSpec{ARN: "arn:aws:sns:r:1:t", Name: "t", Policy: "{}", Tags: map[string]string{"a": "b"}},
		KindTopicPolicy:   &TopicPolicySpec{TopicARN: "arn:aws:sns:r:1:t", Policy: `{"Statement":[]}`},
		KindSubscription:  &SubscriptionSpec{TopicARN: "arn:aws:sns:r:1:t", Protocol: "email", Endpoint: "a@example.com", ARN: "arn:aws:sns:r:1:t:x"},
		KindLogGroup:      &LogGroupSpec{Name: "g", ARN: "arn:aws:logs:r:1:log-group:g:*"},
		KindRole:          &RoleSpec{Name: "r", ARN: "arn:aws:iam::1:role/r", TrustPolicy: "{}"},
		KindRolePolicy:    &RolePolicySpec{Role: "r", Name: "p", Policy: "{}"},
		KindTrailDelivery: &TrailDeliverySpec{TrailARN: "arn:aws:cloudtrail:r:1:trail/t"},
	}
	for k, v := range specs {
		s, err := encodeSpec(v)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeSpec(k, s)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if !reflect.DeepEqual(back, v) {
			t.Errorf("%s: %+v, want %+v", k, back, v)
		}
	}
	if _, err := decodeSpec("nonsense", "{}"); err == nil {
		t.Error("an unknown kind decoded")
	}
	if _, err := decodeSpec(KindAlarm, "{"); err == nil {
		t.Error("broken JSON decoded")
	}
}

// FuzzDecodeSpec: whatever the store holds, reading it back never panics
// and undoing it either works or says why.
func FuzzDecodeSpec(f *testing.F) {
	f.Add("alarm", `{"name":"a","period":300}`)
	f.Add("subscription", `{"topic_arn":"t","protocol":"email","endpoint":"e"}`)
	f.Add("topic", ``)
	f.Add("x", `[]`)
	f.Fuzz(func(t *testing.T, kind, s string) {
		v, err := decodeSpec(Kind(kind), s)
		if err != nil || v == nil {
			return
		}
		if _, err := encodeSpec(v); err != nil {
			t.Fatalf("decoded %T does not encode: %v", v, err)
		}
	})
}
