package fix

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/rootwatch/rootwatch/internal/store"
)

// TestRemovePlanGolden: --remove undoes a journal newest first; created
// things are deleted, changed things restored, a subscription on a topic
// that is deleted goes with it.
func TestRemovePlanGolden(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:111111111111:rootwatch-root-usage"
	enc := func(v any) string {
		s, err := encodeSpec(v)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ch := func(seq int64, k Kind, a Action, res string, before, after any, result string) store.Change {
		return store.Change{RunID: "run1", Seq: seq, Command: "fix", Account: "111111111111", Region: "us-east-1",
			Kind: string(k), Action: string(a), Resource: res, Before: enc(before), After: enc(after), Result: result, Status: store.ChangeDone}
	}
	changes := []store.Change{
		ch(1, KindMetricFilter, Create, "g/RootAccountUsage", nil, &MetricFilterSpec{LogGroup: "g", Name: "RootAccountUsage", Pattern: "{ $.a = 1 }", MetricName: "m", Namespace: "n", Value: "1"}, ""),
		ch(2, KindTopic, Create, topic, nil, &TopicSpec{ARN: topic, Name: "rootwatch-root-usage"}, topic),
		ch(3, KindSubscription, Create, topic+" email:a@example.com", nil, &SubscriptionSpec{TopicARN: topic, Protocol: "email", Endpoint: "a@example.com"}, topic+":1"),
		ch(4, KindTopicPolicy, Update, "arn:aws:sns:us-east-1:111111111111:ops", &TopicPolicySpec{TopicARN: "arn:aws:sns:us-east-1:111111111111:ops", Policy: `{"Statement":[{"Sid":"Ops"}]}`},
			&TopicPolicySpec{TopicARN: "arn:aws:sns:us-east-1:111111111111:ops", Policy: `{"Statement":[{"Sid":"Ops"},{"Sid":"` + PolicySid + `"}]}`}, ""),
		ch(5, KindAlarm, Create, "RootAccountUsage", nil, &AlarmSpec{Name: "RootAccountUsage", Namespace: "n", MetricName: "m", Statistic: "Sum", Period: 300, Threshold: 1, Comparison: "GreaterThanOrEqualToThreshold", EvaluationPeriods: 1, ActionsEnabled: true, AlarmActions: []string{topic}}, ""),
	}
	p, err := planRemove(changes)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Render(&b, p, "test"); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "backout", "remove.txt"), b.String())
	steps := p.Accounts[0].Steps
	if len(steps) != 5 || steps[0].Kind != KindAlarm || steps[4].Kind != KindMetricFilter || !steps[2].withTopic || steps[2].Undoes != "run1/3" {
		t.Errorf("steps = %+v", steps)
	}
}
