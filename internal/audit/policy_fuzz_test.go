package audit

import "testing"

// FuzzCloudWatchMayPublish feeds arbitrary topic and key policies to the
// policy reader: it must never panic, and a policy that allows must
// still allow with a Deny-free copy of itself appended (statements only
// add permissions).
func FuzzCloudWatchMayPublish(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"*","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`)
	f.Add(`{"Statement":{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["sns:Publish"],"Resource":"arn:aws:sns:eu-west-1:111122223333:t"}}`)
	f.Add(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Pub?ish","Resource":"arn:aws:sns:*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:*:111122223333:alarm:*"}}}]}`)
	f.Add(`not json`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, policy string) {
		ok, why := CloudWatchMayPublish(policy, "arn:aws:sns:eu-west-1:111122223333:t", "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a", "111122223333")
		if !ok && why == "" {
			t.Errorf("refusal without a reason for %q", policy)
		}
		_, _ = CloudWatchMayUseKey(policy, "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a", "111122223333")
		if j := judgeEventPattern(policy); j.rootOnly && !j.relevant {
			t.Errorf("root-only but not relevant: %q", policy)
		}
	})
}
