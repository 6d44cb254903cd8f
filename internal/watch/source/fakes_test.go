package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// fakeQueue behaves like an SQS standard queue: a received message is
// invisible for the visibility timeout and then delivered again with a new
// receipt handle; deleting needs the latest handle (an older one is
// accepted and does nothing, as AWS documents); after maxReceive receives a
// message moves to the dead-letter queue.
type fakeQueue struct {
	mu         sync.Mutex
	msgs       []*fakeMsg
	dlq        []*fakeMsg
	maxReceive int
	seq        int
	arrived    chan struct{}
	visChanges int
	visChanged chan struct{}
}

type fakeMsg struct {
	id, body, handle string
	receives         int
	invisibleUntil   time.Time
	sent             time.Time
}

func newFakeQueue(maxReceive int) *fakeQueue {
	return &fakeQueue{maxReceive: maxReceive, arrived: make(chan struct{}, 1), visChanged: make(chan struct{}, 16)}
}

func (q *fakeQueue) send(body string) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	id := fmt.Sprintf("msg-%d", q.seq)
	q.msgs = append(q.msgs, &fakeMsg{id: id, body: body, sent: time.Now()})
	select {
	case q.arrived <- struct{}{}:
	default:
	}
	return id
}

func (q *fakeQueue) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	deadline := time.Now().Add(time.Duration(in.WaitTimeSeconds) * time.Second)
	for {
		q.mu.Lock()
		now := time.Now()
		var out []sqstypes.Message
		keep := q.msgs[:0]
		for _, m := range q.msgs {
			if len(out) < int(in.MaxNumberOfMessages) && !now.Before(m.invisibleUntil) {
				if q.maxReceive > 0 && m.receives >= q.maxReceive {
					q.dlq = append(q.dlq, m)
					continue
				}
				m.receives++
				q.seq++
				m.handle = fmt.Sprintf("%s#%d", m.id, q.seq)
				m.invisibleUntil = now.Add(time.Duration(in.VisibilityTimeout) * time.Second)
				out = append(out, sqstypes.Message{MessageId: aws.String(m.id), Body: aws.String(m.body),
					ReceiptHandle: aws.String(m.handle), Attributes: map[string]string{
						"SentTimestamp":           strconv.FormatInt(m.sent.UnixMilli(), 10),
						"ApproximateReceiveCount": strconv.Itoa(m.receives)}})
			}
			keep = append(keep, m)
		}
		q.msgs = keep
		// The earliest moment a hidden message comes back.
		wake := 50 * time.Millisecond
		q.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			return &sqs.ReceiveMessageOutput{Messages: out}, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-q.arrived:
		case <-time.After(wake):
		}
	}
}

func (q *fakeQueue) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	h := aws.ToString(in.ReceiptHandle)
	for i, m := range q.msgs {
		if m.handle == h {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			return &sqs.DeleteMessageOutput{}, nil
		}
	}
	if h == "" {
		return nil, &smithy.GenericAPIError{Code: "ReceiptHandleIsInvalid", Message: "The input receipt handle is invalid."}
	}
	return &sqs.DeleteMessageOutput{}, nil // stale handle: succeeds, deletes nothing
}

func (q *fakeQueue) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range q.msgs {
		if m.handle == aws.ToString(in.ReceiptHandle) && time.Now().Before(m.invisibleUntil) {
			m.invisibleUntil = time.Now().Add(time.Duration(in.VisibilityTimeout) * time.Second)
			q.visChanges++
			select {
			case q.visChanged <- struct{}{}:
			default:
			}
			return &sqs.ChangeMessageVisibilityOutput{}, nil
		}
	}
	return nil, &smithy.GenericAPIError{Code: "MessageNotInflight", Message: "The message referred to is not in flight."}
}

func (q *fakeQueue) state() (inQueue, inDLQ int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs), len(q.dlq)
}

// fakeS3 serves objects by bucket/key; unknown keys are NoSuchKey.
type fakeS3 struct {
	mu      sync.Mutex // tests add objects while the source reads
	objects map[string][]byte
	denied  map[string]bool
}

// put adds an object while the source may be reading.
func (f *fakeS3) put(key string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = b
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	if f.denied[k] {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	}
	b, ok := f.objects[k]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

// fakeLogs serves FilterLogEvents from a list of events the way CloudWatch
// does: time range inclusive of start, exclusive of end, pages of pageSize
// with a NextToken, and a Throttling error on every throttleEvery-th call.
type fakeLogs struct {
	mu            sync.Mutex
	events        []cwltypes.FilteredLogEvent
	pageSize      int
	throttleEvery int
	calls         int
	patterns      []string
}

func (f *fakeLogs) add(ts int64, id, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, cwltypes.FilteredLogEvent{Timestamp: aws.Int64(ts), EventId: aws.String(id),
		Message: aws.String(msg), LogStreamName: aws.String("111122223333_CloudTrail_us-east-1")})
}

func (f *fakeLogs) FilterLogEvents(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.throttleEvery > 0 && f.calls%f.throttleEvery == 0 {
		return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	}
	f.patterns = append(f.patterns, aws.ToString(in.FilterPattern))
	var match []cwltypes.FilteredLogEvent
	for _, e := range f.events {
		ts := aws.ToInt64(e.Timestamp)
		if ts >= aws.ToInt64(in.StartTime) && ts < aws.ToInt64(in.EndTime) {
			match = append(match, e)
		}
	}
	off := 0
	if in.NextToken != nil {
		n, err := strconv.Atoi(aws.ToString(in.NextToken))
		if err != nil {
			return nil, &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "bad token"}
		}
		off = n
	}
	end := min(off+f.pageSize, len(match))
	out := &cloudwatchlogs.FilterLogEventsOutput{Events: match[off:end]}
	if end < len(match) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// fakeSink records what sources deliver; failing makes Deliver fail
// (the store is down) without reading the batch.
type fakeSink struct {
	mu          sync.Mutex
	records     []string
	checkpoints map[string]string
	failing     bool
	delivered   chan struct{}
	block       chan struct{} // when set, Deliver waits on it
	unreadable  []string      // input: cause, as reported
}

func newFakeSink() *fakeSink {
	return &fakeSink{checkpoints: map[string]string{}, delivered: make(chan struct{}, 100)}
}

func (s *fakeSink) Deliver(ctx context.Context, b Batch) error {
	if s.block != nil {
		<-s.block
	}
	s.mu.Lock()
	failing := s.failing
	s.mu.Unlock()
	if failing {
		return errors.New("store unavailable")
	}
	var got []string
	err := b.Records(func(raw []byte) error { got = append(got, string(raw)); return nil })
	s.mu.Lock()
	s.records = append(s.records, got...)
	var bad *cloudtrail.DecodeError
	// As the pipeline: a failed read (not bad CloudTrail) records nothing.
	if b.Checkpoint != nil && (err == nil || errors.As(err, &bad)) {
		s.checkpoints[b.Checkpoint.Name] = b.Checkpoint.Value
	}
	s.mu.Unlock()
	s.delivered <- struct{}{}
	return err
}

func (s *fakeSink) Checkpoint(_ context.Context, name string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.checkpoints[name]
	return v, ok, nil
}

func (s *fakeSink) Checkpoints(_ context.Context, prefix string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.checkpoints {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			out[k] = v
		}
	}
	return out, nil
}

func (s *fakeSink) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.records...)
}

func (s *fakeSink) Unreadable(_ context.Context, _, input, cause string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return errors.New("store unavailable")
	}
	s.unreadable = append(s.unreadable, input+": "+cause)
	return nil
}

func (s *fakeSink) gotUnreadable() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unreadable...)
}
