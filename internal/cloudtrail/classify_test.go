package cloudtrail

import "testing"

// The CIS 4.3 rule's own samples: each must classify as stated.
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want Verdict
	}{
		{"root api call", `{"eventVersion":"1.09","userIdentity":{"type":"Root","accountId":"1"},"eventType":"AwsApiCall"}`, Verdict{Root: true, CIS: true}},
		{"root console sign-in", `{"userIdentity":{"type":"Root"},"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","responseElements":{"ConsoleLogin":"Success"}}`, Verdict{Root: true, CIS: true}},
		{"failed root sign-in", `{"userIdentity":{"type":"Root"},"eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"}}`, Verdict{Root: true, CIS: true}},
		{"root with invokedBy", `{"userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"},"eventType":"AwsApiCall"}`, Verdict{Root: true, Exclusion: ExcludedInvokedBy}},
		{"root with null invokedBy (exists)", `{"userIdentity":{"type":"Root","invokedBy":null},"eventType":"AwsApiCall"}`, Verdict{Root: true, Exclusion: ExcludedInvokedBy}},
		{"root service event", `{"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent"}`, Verdict{Root: true, Exclusion: ExcludedService}},
		{"root without eventType", `{"userIdentity":{"type":"Root"}}`, Verdict{Root: true, Exclusion: ExcludedNoType}},
		{"root escaped", `{"userIdentity":{"type":"R\u006f\u006ft"},"eventType":"AwsApiCall"}`, Verdict{Root: true, CIS: true}},
		{"iam user named root", `{"userIdentity":{"type":"IAMUser","userName":"root"},"eventType":"AwsApiCall"}`, Verdict{}},
		{"lowercase root type", `{"userIdentity":{"type":"root"},"eventType":"AwsApiCall"}`, Verdict{}},
		{"no identity", `{"eventType":"AwsServiceEvent"}`, Verdict{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRecord([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := Classify(&r); got != tt.want {
				t.Errorf("Classify = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseRecord(t *testing.T) {
	r, err := ParseRecord([]byte(`{"eventVersion":"1.10","userIdentity":{"type":"Root","principalId":"444455556666","arn":"arn:aws:iam::444455556666:root","accountId":"444455556666","accessKeyId":"ASIA","sessionContext":{"attributes":{"creationDate":"2024-06-02T14:10:00Z","mfaAuthenticated":"false"},"assumedRoot":"true"}},"eventTime":"2024-06-02T14:11:12Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.80","userAgent":"aws-cli","errorCode":"AccessDenied","eventID":"e1","readOnly":"false","eventType":"AwsApiCall","managementEvent":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Account() != "444455556666" || !r.UserIdentity.AssumedRoot || r.UserIdentity.MFAAuthenticated != "false" ||
		r.EventTime.Format("15:04:05") != "14:11:12" || r.ReadOnly == nil || *r.ReadOnly || !r.Failed() || r.IsConsoleSignIn() {
		t.Errorf("unexpected record %+v", r)
	}
	if _, err := ParseRecord([]byte(`{"eventVersion":`)); err == nil {
		t.Error("truncated record parsed")
	}
}
