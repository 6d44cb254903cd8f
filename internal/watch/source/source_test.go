package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/secret"
)

func rec(id string) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-12-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.1","eventID":%q,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`, id)
}

func ids(records []string) []string {
	var out []string
	for _, r := range records {
		var v struct {
			EventID string `json:"eventID"`
		}
		_ = json.Unmarshal([]byte(r), &v)
		out = append(out, v.EventID)
	}
	return out
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func run(t *testing.T, src Source, sink Sink) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, sink) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return cancel
}

func wait(t *testing.T, what string, cond func() bool, poke <-chan struct{}) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-poke:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func eventBridge(r string) string {
	return `{"version":"0","id":"eb-1","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","account":"111122223333","time":"2026-12-01T10:00:00Z","region":"us-east-1","resources":[],"detail":` + r + `}`
}

func s3Notification(bucket, key string) string {
	return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"` + bucket + `"},"object":{"key":"` + key + `","size":100}}}]}`
}

func snsWrap(msg string) string {
	b, _ := json.Marshal(msg)
	return `{"Type":"Notification","MessageId":"sns-1","TopicArn":"arn:aws:sns:us-east-1:111122223333:ct","Message":` + string(b) + `}`
}

func TestSQS(t *testing.T) {
	q := newFakeQueue(3)
	key := "AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/01/f.json.gz"
	s3 := &fakeS3{objects: map[string][]byte{"trail-bucket/" + key: gz(t, `{"Records":[`+rec("s3-a")+`,`+rec("s3-b")+`]}`)}}
	var poison []string
	src, err := NewSQS(SQSConfig{QueueURL: "https://sqs.us-east-1.amazonaws.com/111122223333/ct", SQS: q, S3: s3,
		Visibility: 2 * time.Second, Wait: time.Second, Workers: 2,
		OnPoison: func(id string, err error) { poison = append(poison, id) }})
	if err != nil {
		t.Fatal(err)
	}
	sink := newFakeSink()
	run(t, src, sink)
	q.send(eventBridge(rec("eb-a")))
	q.send(snsWrap(s3Notification("trail-bucket", key)))
	q.send(s3Notification("trail-bucket", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/12/01/d.json.gz"))
	q.send(`{"Event":"s3:TestEvent","Bucket":"trail-bucket"}`)
	// S3 → EventBridge → SQS: an "Object Created" event names the file.
	key2 := "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/01/g.json.gz"
	s3.put("trail-bucket/"+key2, gz(t, `{"Records":[`+rec("eb-s3")+`]}`))
	q.send(`{"version":"0","id":"e","detail-type":"Object Created","source":"aws.s3","account":"111122223333","region":"eu-west-1","detail":{"bucket":{"name":"trail-bucket"},"object":{"key":"` + key2 + `","size":10}}}`)
	wait(t, "records", func() bool { n, _ := q.state(); return len(sink.got()) == 4 && n == 0 }, sink.delivered)
	got := strings.Join(ids(sink.got()), ",")
	for _, id := range []string{"eb-a", "s3-a", "s3-b", "eb-s3"} {
		if !strings.Contains(got, id) {
			t.Errorf("record %s missing from %s", id, got)
		}
	}
	if len(poison) != 0 {
		t.Errorf("good messages counted as poison: %v", poison)
	}
}

// A message that is not CloudTrail stays in the queue and ends in the
// dead-letter queue after maxReceiveCount receives.
func TestSQSPoison(t *testing.T) {
	q := newFakeQueue(2)
	poisoned := make(chan string, 10)
	src, _ := NewSQS(SQSConfig{QueueURL: "q", SQS: q, Visibility: 2 * time.Second, Wait: time.Second,
		OnPoison: func(id string, err error) { poisoned <- id }})
	sink := newFakeSink()
	run(t, src, sink)
	q.send(`{"hello":"world"}`)
	for range 2 {
		select {
		case <-poisoned:
		case <-time.After(10 * time.Second):
			t.Fatal("poison message not reported")
		}
	}
	wait(t, "dead-letter queue", func() bool { _, dlq := q.state(); return dlq == 1 }, nil)
}

// A message whose alerts cannot be recorded is received again later and
// deleted only once it is recorded.
func TestSQSStoreDown(t *testing.T) {
	q := newFakeQueue(0)
	src, _ := NewSQS(SQSConfig{QueueURL: "q", SQS: q, Visibility: 2 * time.Second, Wait: time.Second})
	sink := newFakeSink()
	sink.failing = true
	run(t, src, sink)
	q.send(eventBridge(rec("x")))
	wait(t, "first receive", func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return len(q.msgs) == 1 && q.msgs[0].receives == 1
	}, nil)
	sink.mu.Lock()
	sink.failing = false
	sink.mu.Unlock()
	wait(t, "redelivery and delete", func() bool { n, _ := q.state(); return n == 0 }, sink.delivered)
	if got := ids(sink.got()); len(got) != 1 || got[0] != "x" {
		t.Errorf("records = %v", got)
	}
}

// While a large file is processed the message's visibility is extended, so
// no other consumer receives it.
func TestSQSVisibilityHeartbeat(t *testing.T) {
	q := newFakeQueue(0)
	src, _ := NewSQS(SQSConfig{QueueURL: "q", SQS: q, Visibility: 2 * time.Second, Wait: time.Second, Workers: 2})
	sink := newFakeSink()
	sink.block = make(chan struct{})
	run(t, src, sink)
	q.send(eventBridge(rec("slow")))
	for range 2 {
		select {
		case <-q.visChanged:
		case <-time.After(10 * time.Second):
			t.Fatal("visibility never extended")
		}
	}
	close(sink.block)
	wait(t, "delete", func() bool { n, _ := q.state(); return n == 0 }, sink.delivered)
	q.mu.Lock()
	defer q.mu.Unlock()
	if got := len(sink.got()); got != 1 {
		t.Errorf("message processed %d times, want 1", got)
	}
}

func TestCloudWatch(t *testing.T) {
	logs := &fakeLogs{pageSize: 2, throttleEvery: 4}
	base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	for i := range 5 {
		logs.add(base+int64(i/2), fmt.Sprint("le", i), rec(fmt.Sprint("cw", i)))
	}
	now := time.UnixMilli(base + 60_000)
	src, err := NewCloudWatch(CloudWatchConfig{LogGroup: "trail-logs", Logs: logs, Pattern: `{ $.userIdentity.type = "Root" }`,
		Interval: 10 * time.Millisecond, Lookback: time.Millisecond, Start: time.UnixMilli(base), Now: func() time.Time { return now },
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	sink := newFakeSink()
	cancel := run(t, src, sink)
	wait(t, "five records and a checkpoint", func() bool {
		_, ok, _ := sink.Checkpoint(context.Background(), src.Name())
		return ok && len(sink.got()) >= 5
	}, sink.delivered)
	cancel()
	// Restart from the checkpoint with one more event at the same
	// millisecond as the last one and one later: exactly those two arrive.
	logs.add(base+2, "le5", rec("cw5"))
	logs.add(base+3, "le6", rec("cw6"))
	before := len(sink.got())
	src2, _ := NewCloudWatch(CloudWatchConfig{LogGroup: "trail-logs", Logs: logs, Interval: 10 * time.Millisecond,
		Lookback: time.Millisecond, Now: func() time.Time { return now }})
	run(t, src2, sink)
	wait(t, "two more records", func() bool {
		got := strings.Join(ids(sink.got()[before:]), ",")
		return strings.Contains(got, "cw5") && strings.Contains(got, "cw6")
	}, sink.delivered)
	all := ids(sink.got())
	count := map[string]int{}
	for _, id := range all {
		count[id]++
	}
	for i := range 7 {
		if count[fmt.Sprint("cw", i)] == 0 {
			t.Errorf("cw%d never delivered", i)
		}
	}
	// The lookback re-reads events before the checkpoint millisecond; the
	// pipeline's seen table drops them. Events at the checkpoint
	// millisecond are never re-read.
	if count["cw4"] > 1 || count["cw5"] > 1 {
		t.Errorf("events at the checkpoint millisecond delivered twice: %v", count)
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if logs.patterns[0] != `{ $.userIdentity.type = "Root" }` {
		t.Errorf("pattern not pushed down: %q", logs.patterns[0])
	}
}

func TestHTTP(t *testing.T) {
	src, err := NewHTTP(HTTPConfig{Addr: "127.0.0.1:0", Path: "/ingest", Secret: secret.Secret("s3cr3t")})
	if err != nil {
		t.Fatal(err)
	}
	sink := newFakeSink()
	run(t, src, sink)
	url := "http://" + src.Addr() + "/ingest"
	post := func(body []byte, hdr map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		var resp *http.Response
		// The server goroutine may not be accepting yet; the listener is
		// bound, so the connection waits in the backlog.
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	secretHdr := map[string]string{"X-Rootwatch-Secret": "s3cr3t"}
	logsPayload := `{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"trail","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":` + mustJSON(rec("sub-1")) + `}]}`
	firehose := `{"requestId":"r-1","timestamp":1764583200000,"records":[{"data":"` + base64.StdEncoding.EncodeToString(gz(t, logsPayload)) + `"}]}`
	tests := []struct {
		name string
		body []byte
		hdr  map[string]string
		want int
	}{
		{"no secret", []byte(eventBridge(rec("x"))), nil, 401},
		{"wrong secret", []byte(eventBridge(rec("x"))), map[string]string{"X-Rootwatch-Secret": "nope"}, 401},
		{"eventbridge", []byte(eventBridge(rec("eb-1"))), secretHdr, 200},
		{"logs subscription gzip", gz(t, logsPayload), secretHdr, 200},
		{"lambda-style awslogs", []byte(`{"awslogs":{"data":"` + base64.StdEncoding.EncodeToString(gz(t, logsPayload)) + `"}}`), secretHdr, 200},
		{"firehose", []byte(firehose), map[string]string{"X-Amz-Firehose-Access-Key": "s3cr3t", "X-Amz-Firehose-Request-Id": "r-1"}, 200},
		{"not cloudtrail", []byte(`{"hello":1}`), secretHdr, 400},
		{"truncated", []byte(eventBridge(rec("t"))[:50]), secretHdr, 400},
	}
	for _, tt := range tests {
		if got := post(tt.body, tt.hdr); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := strings.Join(ids(sink.got()), ","); got != "eb-1,sub-1,sub-1,sub-1" {
		t.Errorf("records = %s", got)
	}
	sink.mu.Lock()
	sink.failing = true
	sink.mu.Unlock()
	if got := post([]byte(eventBridge(rec("y"))), secretHdr); got != 503 {
		t.Errorf("store down: status %d, want 503 so the sender retries", got)
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestHTTPConfig(t *testing.T) {
	if _, err := NewHTTP(HTTPConfig{Addr: "127.0.0.1:0"}); err == nil {
		t.Error("no secret accepted")
	}
	if _, err := NewHTTP(HTTPConfig{Addr: "127.0.0.1:0", Secret: "x", CertFile: "c.pem"}); err == nil {
		t.Error("certificate without key accepted")
	}
}

func TestDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "AWSLogs", "1", "CloudTrail"), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(rel string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("AWSLogs/1/CloudTrail/a.json.gz", gz(t, `{"Records":[`+rec("d1")+`]}`))
	write("b.jsonl", []byte(rec("d2")+"\nnot json\n"+rec("d3")+"\n"))
	write(".hidden.json", []byte(`{"Records":[`+rec("hidden")+`]}`))
	src, err := NewDir(DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	sink := newFakeSink()
	cancel := run(t, src, sink)
	wait(t, "three records", func() bool { return len(sink.got()) >= 3 }, sink.delivered)
	cancel()
	// A restart reads only the new file.
	write("c.json", []byte(`{"Records":[`+rec("d4")+`]}`))
	src2, _ := NewDir(DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1})
	run(t, src2, sink)
	wait(t, "the new file", func() bool { return len(sink.got()) >= 4 }, sink.delivered)
	if got := strings.Join(ids(sink.got()), ","); got != "d1,d2,d3,d4" {
		t.Errorf("records = %s", got)
	}
	if _, err := NewDir(DirConfig{Path: filepath.Join(dir, "b.jsonl")}); err == nil {
		t.Error("a file accepted as a directory")
	}
}
