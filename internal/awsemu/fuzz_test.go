package awsemu_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsemu"
)

// FuzzRequest: whatever a client sends (any service, any body, any
// target), the emulator answers with an HTTP status and never panics or
// changes state it was not asked to.
func FuzzRequest(f *testing.F) {
	f.Add("logs", "Logs_20140328.DescribeMetricFilters", "", []byte(`{"logGroupName":"aws-cloudtrail-logs","limit":2}`))
	f.Add("sns", "", "", []byte("Action=Subscribe&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A111111111111%3Asecurity-alerts&Protocol=email&Endpoint=a%40example.com&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true"))
	f.Add("monitoring", "", "/service/GraniteServiceVersion20100801/operation/DescribeAlarms", []byte{0xbf, 0x6a, 'A', 'l', 'a', 'r', 'm', 'N', 'a', 'm', 'e', 's', 0x81, 0x61, 'a', 0xff})
	f.Add("cloudtrail", "CloudTrail_20131101.GetTrailStatus", "", []byte(`{"Name":7}`))
	f.Add("account", "", "/listRegions", []byte(`{"MaxResults":"x"}`))
	f.Add("s3", "", "/trail-bucket?list-type=2&max-keys=-1", []byte(nil))
	f.Add("ec2", "", "", []byte("Action=DescribeRegions&RegionName.1=eu-west-1"))
	f.Add("iam", "", "", []byte("Action=CreateRole&RoleName=r&Tags.member.1.Key=k&Tags.member.x.Value=v"))
	f.Fuzz(func(t *testing.T, svc, target, path string, body []byte) {
		s := awsemu.New(newCloud())
		if path == "" || path[0] != '/' {
			path = "/" + path
		}
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1"+path, bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA"+mgmt+"/20261201/"+home+"/"+svc+"/aws4_request, SignedHeaders=host, Signature=0")
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Errorf("status %d", rec.Code)
		}
	})
}
