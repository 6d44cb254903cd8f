package inventory

import "testing"

func TestParseARN(t *testing.T) {
	tests := []struct {
		in        string
		wantErr   bool
		account   string
		region    string
		groupName string
	}{
		{in: "arn:aws:logs:eu-west-1:111122223333:log-group:CloudTrail/Default:*", account: "111122223333", region: "eu-west-1", groupName: "CloudTrail/Default"},
		{in: "arn:aws:logs:us-east-1:111122223333:log-group:a:b", account: "111122223333", region: "us-east-1", groupName: "a:b"},
		{in: "not-an-arn", wantErr: true},
		{in: "arn:aws:sns", wantErr: true},
	}
	for _, tt := range tests {
		a, err := ParseARN(tt.in)
		if (err != nil) != tt.wantErr {
			t.Fatalf("ParseARN(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
		}
		if err != nil {
			continue
		}
		if a.Account != tt.account || a.Region != tt.region || a.LogGroupName() != tt.groupName {
			t.Errorf("ParseARN(%q) = %+v (group %q)", tt.in, a, a.LogGroupName())
		}
	}
}

func TestReadErrorVerdict(t *testing.T) {
	e := &ReadError{Action: "cloudtrail:GetTrailStatus", Code: "AccessDeniedException", Kind: Denied}
	if got, want := e.Verdict(), "could not look: missing permission cloudtrail:GetTrailStatus"; got != want {
		t.Errorf("Verdict() = %q, want %q", got, want)
	}
}
