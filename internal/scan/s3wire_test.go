package scan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/scan"
)

// Over the wire, with the SDK's own retryer: an object S3 keeps answering
// 503 SlowDown (retried by the SDK to its limit, not again by rootwatch)
// or 403 AccessDenied is a problem naming that object, the scan is
// partial, and the other objects' findings are all there.
func TestS3FetchFailureOverTheWire(t *testing.T) {
	for _, code := range []string{"SlowDown", "AccessDenied"} {
		t.Run(code, func(t *testing.T) {
			emu := awsemu.New(awsfake.New())
			const files = 12
			var keys []string
			for i := range files {
				key := fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2024/06/02/111122223333_CloudTrail_us-east-1_20240602T%02d00Z_f.json.gz", i)
				keys = append(keys, key)
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				fmt.Fprintf(zw, `{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-06-02T%02d:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","eventID":"ev-%02d","eventType":"AwsApiCall","recipientAccountId":"111122223333"}]}`, i, i)
				_ = zw.Close()
				emu.S3.Put("trail", key, b.Bytes(), time.Now())
			}
			bad := keys[5]
			if err := emu.S3.Fail("trail", bad, code); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(emu)
			defer srv.Close()
			client := s3.NewFromConfig(aws.Config{
				Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
				Credentials: credentials.NewStaticCredentialsProvider("AKIA111122223333", "secret", ""),
				Retryer: func() aws.Retryer {
					return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3; o.MaxBackoff = time.Millisecond })
				},
			}, func(o *s3.Options) { o.UsePathStyle = true; o.DisableLogOutputChecksumValidationSkipped = true })
			m := filterpattern.MustCompile(cis.RootUsagePattern)
			cfg := scan.Config{Matcher: m, Literals: scan.CandidateLiterals(m.Pattern()), FetchConcurrency: 4}
			res, err := scan.Run(context.Background(), cfg, []scan.Source{&scan.S3{Client: client, Bucket: "trail"}})
			if err != nil {
				t.Fatal(err)
			}
			name := "s3://trail/" + bad
			if len(res.Problems) != 1 || res.Problems[0].Where != name || !strings.Contains(res.Problems[0].Msg, name) || !strings.Contains(res.Problems[0].Msg, code) {
				t.Fatalf("problems %+v, want one naming %s (%s)", res.Problems, name, code)
			}
			t.Logf("%s: %s", res.Problems[0].Where, res.Problems[0].Msg)
			if code == "SlowDown" && !strings.Contains(res.Problems[0].Msg, "503") {
				t.Errorf("problem %q does not say S3 answered 503", res.Problems[0].Msg)
			}
			if !res.Partial() || res.Stats.Matches != files-1 {
				t.Errorf("partial %v, %d matches; want partial and the other %d objects' findings", res.Partial(), res.Stats.Matches, files-1)
			}
			for _, f := range res.Findings {
				if strings.HasPrefix(f.Where, name) {
					t.Errorf("finding from the failed object: %+v", f)
				}
			}
		})
	}
}
