package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	recRoot    = `{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-06-02T10:04:40Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2","eventID":"r1","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
	recUser    = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAX","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-06-02T10:05:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2","requestParameters":{"policy":"{\"Version\":\"2012-10-17\"}"},"eventID":"u1","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
	recInsight = `{"eventVersion":"1.07","eventTime":"2024-06-02T10:00:00Z","awsRegion":"us-east-1","eventID":"i1","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"s1","insightDetails":{"state":"Start"},"eventCategory":"Insight"}`
)

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestDecodeShapes(t *testing.T) {
	s3event := `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"trail-bucket"},"object":{"key":"AWSLogs/111122223333/CloudTrail/us-east-1/2024/06/02/a+b.json.gz","size":1234}}}]}`
	subscription := `{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"trail","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":` + jsonString(recRoot) + `},{"id":"2","timestamp":2,"message":` + jsonString(recUser) + `}]}`
	tests := []struct {
		name                    string
		in                      string
		shape                   Shape
		records, objects, skips int64
		problems                int64
	}{
		{"s3 log compact", `{"Records":[` + recRoot + `,` + recUser + `]}`, ShapeS3Log, 2, 0, 0, 0},
		{"s3 log pretty", "{\n  \"Records\" : [\n    " + recUser + " ,\n    " + recRoot + "\n  ]\n}\n", ShapeS3Log, 2, 0, 0, 0},
		{"s3 log gzip", gz(`{"Records":[` + recRoot + `,` + recUser + `,` + recUser + `]}`), ShapeS3Log, 3, 0, 0, 0},
		{"empty Records", `{"Records":[]}`, ShapeS3Log, 0, 0, 0, 0},
		{"byte order mark", "\xef\xbb\xbf[" + recUser + "]", ShapeArray, 1, 0, 0, 0},
		{"bare array", `[` + recUser + `,` + recRoot + `]`, ShapeArray, 2, 0, 0, 0},
		{"json lines", recUser + "\n" + recRoot + "\r\n\n" + recUser + "\n", ShapeLines, 3, 0, 0, 0},
		{"json lines no final newline", recUser + "\n" + recRoot, ShapeLines, 2, 0, 0, 0},
		{"json lines with a bad line", recUser + "\n{\"eventVersion\":\"1.09\",\"userIdent\n" + recRoot + "\n", ShapeLines, 2, 0, 0, 1},
		{"eventbridge", `{"version":"0","id":"e","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","account":"111122223333","detail":` + recRoot + `}`, ShapeEventBridge, 1, 0, 0, 0},
		{"eventbridge sign-in lines", `{"detail-type":"AWS Console Sign In via CloudTrail","detail":` + recRoot + "}\n" + `{"detail-type":"AWS API Call via CloudTrail","detail":` + recUser + "}\n", ShapeEventBridge, 2, 0, 0, 0},
		{"eventbridge other event", `{"detail-type":"EC2 Instance State-change Notification","detail":{}}`, ShapeEventBridge, 0, 0, 0, 1},
		{"logs subscription decoded", subscription, ShapeLogsSubscription, 2, 0, 0, 0},
		{"logs subscription lambda", `{"awslogs":{"data":"` + base64.StdEncoding.EncodeToString([]byte(gz(subscription))) + `"}}`, ShapeLogsSubscription, 2, 0, 0, 0},
		{"logs subscription gzip (firehose)", gz(subscription) + gz(subscription), ShapeLogsSubscription, 4, 0, 0, 0},
		{"logs control message", `{"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`, ShapeLogsSubscription, 0, 0, 1, 0},
		{"s3 notification", s3event, ShapeS3Notification, 0, 1, 0, 0},
		{"s3 notification via sns via sqs", `{"Records":[{"messageId":"m","body":` + jsonString(`{"Type":"Notification","MessageId":"x","TopicArn":"arn:aws:sns:us-east-1:111122223333:t","Message":`+jsonString(s3event)+`}`) + `,"eventSource":"aws:sqs"}]}`, ShapeS3Notification, 0, 1, 0, 0},
		{"sns lambda event", `{"Records":[{"EventSource":"aws:sns","Sns":{"Type":"Notification","Message":` + jsonString(s3event) + `}}]}`, ShapeS3Notification, 0, 1, 0, 0},
		{"cloudtrail sns notification", `{"Type":"Notification","Message":` + jsonString(`{"s3Bucket":"b","s3ObjectKey":["k1","k2"]}`) + `}`, ShapeS3Notification, 0, 2, 0, 0},
		{"digest", `{"awsAccountId":"111122223333","digestStartTime":"2024-06-02T10:00:00Z","digestEndTime":"2024-06-02T11:00:00Z","logFiles":[]}`, ShapeDigest, 0, 0, 1, 0},
		{"insights", `{"Records":[` + recInsight + `]}`, ShapeInsights, 0, 0, 1, 0},
		{"not cloudtrail object", `{"hello":"world"}`, ShapeUnknown, 0, 0, 0, 1},
	}
	for _, tt := range tests {
		for _, cands := range [][][]byte{nil, {[]byte("Root")}} {
			t.Run(tt.name, func(t *testing.T) {
				var yielded int
				st, err := DecodeStream(strings.NewReader(tt.in), "in", Options{Candidates: cands}, Handler{
					Record: func(raw []byte, off int64) error {
						if _, err := ParseRecord(raw); err != nil {
							t.Errorf("yielded record does not parse: %v", err)
						}
						yielded++
						return nil
					},
				})
				if err != nil {
					t.Fatalf("DecodeStream: %v", err)
				}
				if st.Shape != tt.shape || st.Records != tt.records || st.Objects != tt.objects || st.Skipped+st.Digests+st.Insights != tt.skips || st.Problems != tt.problems {
					t.Errorf("got shape %v records %d objects %d skipped %d problems %d; want %v %d %d %d %d",
						st.Shape, st.Records, st.Objects, st.Skipped+st.Digests+st.Insights, st.Problems, tt.shape, tt.records, tt.objects, tt.skips, tt.problems)
				}
				if cands == nil && int64(yielded) != tt.records {
					t.Errorf("yielded %d of %d records", yielded, tt.records)
				}
				if cands != nil && int64(yielded) > st.Records {
					t.Errorf("yielded %d > records %d", yielded, st.Records)
				}
			})
		}
	}
}

func TestDecodeObjects(t *testing.T) {
	in := `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","s3":{"bucket":{"name":"b"},"object":{"key":"AWSLogs/1/CloudTrail/us-east-1/2024/06/02/a+b%3D.json.gz","size":7}}}]}`
	var got []ObjectRef
	_, err := DecodeStream(strings.NewReader(in), "n", Options{}, Handler{Object: func(o ObjectRef) error { got = append(got, o); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	want := ObjectRef{Bucket: "b", Key: "AWSLogs/1/CloudTrail/us-east-1/2024/06/02/a b=.json.gz", Size: 7}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	whole := `{"Records":[` + recUser + `,` + recRoot + `]}`
	zipped := gz(whole)
	corrupt := []byte(zipped)
	corrupt[10] ^= 0xff // the first deflate block header
	tests := []struct {
		name       string
		in         string
		is         error
		offset     int64
		compressed bool
		msg        string
	}{
		{"truncated json", whole[:len(whole)-30], ErrTruncated, int64(len(whole) - 30), false, "ends inside"},
		{"truncated gzip", zipped[:len(zipped)/2], ErrTruncated, -1, true, "compressed"},
		{"corrupt gzip", string(corrupt), nil, -1, true, "gzip"},
		{"text file", "# README\nnot json\n", ErrNotCloudTrail, 0, false, "expected CloudTrail JSON"},
		{"empty", "", ErrNotCloudTrail, 0, false, "empty"},
		{"garbage after Records", `{"Records":[` + recUser + `] x}`, nil, int64(len(`{"Records":[` + recUser + `] `)), false, "expected ','"},
		{"broken element", `{"Records":[` + recUser + `,{"eventVersion":"1.09",]}`, nil, int64(len(`{"Records":[` + recUser + `,{"eventVersion":"1.09",`)), false, "expected a string key"},
	}
	for _, tt := range tests {
		for _, cands := range [][][]byte{nil, {[]byte("Root")}} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := DecodeStream(strings.NewReader(tt.in), "f.json", Options{Candidates: cands}, Handler{Record: func([]byte, int64) error { return nil }})
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("got %v, want a *DecodeError", err)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %v is not %v", err, tt.is)
				}
				if de.Name != "f.json" || de.Compressed != tt.compressed || (tt.offset >= 0 && de.Offset != tt.offset) {
					t.Errorf("got %s (offset %d compressed %v), want offset %d compressed %v", err, de.Offset, de.Compressed, tt.offset, tt.compressed)
				}
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("error %q does not say %q", err, tt.msg)
				}
			})
		}
	}
}

// Records and literals placed across the 1 MiB window boundary must be
// counted once and found, on both fast paths.
func TestFastPathAcrossWindows(t *testing.T) {
	for _, lines := range []bool{true, false} {
		var b strings.Builder
		if !lines {
			b.WriteString(`{"Records":[`)
		}
		var n, roots int
		for b.Len() < 3*windowSize {
			if n > 0 {
				if lines {
					b.WriteByte('\n')
				} else {
					b.WriteByte(',')
				}
			}
			if n%997 == 500 {
				b.WriteString(recRoot)
				roots++
			} else {
				b.WriteString(recUser)
			}
			n++
		}
		if !lines {
			b.WriteString("]}")
		}
		var got int
		st, err := DecodeStream(strings.NewReader(b.String()), "big", Options{Candidates: [][]byte{[]byte("Root")}}, Handler{Record: func(raw []byte, _ int64) error {
			r, err := ParseRecord(raw)
			if err != nil {
				t.Fatalf("candidate does not parse: %v", err)
			}
			if r.UserIdentity.Type == "Root" {
				got++
			}
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Records != int64(n) || got != roots {
			t.Errorf("lines=%v: records %d roots %d, want %d %d", lines, st.Records, got, n, roots)
		}
	}
}

func TestDecodeHandlerErrorStops(t *testing.T) {
	stop := errors.New("stop")
	_, err := Decode(strings.NewReader(recUser+"\n"+recUser+"\n"), "x", func([]byte) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("got %v, want the handler's error", err)
	}
}
