package awsemu

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Queues are SQS standard queues, served over awsJson1_0 as SQS does,
// with what a consumer relies on: a received message is invisible for the
// visibility timeout (the queue's, or the receive's) and comes back when
// it runs out unless deleted; ChangeMessageVisibility extends it; long
// polling waits up to WaitTimeSeconds for a message; a redrive policy
// moves a message received more than maxReceiveCount times to its
// dead-letter queue. Delivery order is send order among visible messages
// (a standard queue promises none). A queue is named by its URL's last
// two path elements, ACCOUNT/NAME, whatever the host.
type Queues struct {
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	mu      sync.Mutex
	queues  map[string]*queue
	changed chan struct{} // closed and replaced when a message may have become receivable
}

type queue struct {
	url        string
	visibility time.Duration
	dlq        *queue
	maxReceive int
	msgs       []*sqsMessage // in send order; deleted ones removed
	receipts   map[string]*sqsMessage
}

type sqsMessage struct {
	id, body, md5 string
	sent          time.Time
	firstReceive  time.Time
	visibleAt     time.Time
	receives      int
}

// NewQueues returns no queues.
func NewQueues() *Queues {
	return &Queues{queues: map[string]*queue{}, changed: make(chan struct{})}
}

func (q *Queues) now() time.Time {
	if q.Now != nil {
		return q.Now()
	}
	return time.Now()
}

// QueueConfig is a queue's settings.
type QueueConfig struct {
	// Visibility is the queue's default visibility timeout (30 s when zero).
	Visibility time.Duration
	// DeadLetter is the URL of the dead-letter queue, created first;
	// empty for none. MaxReceive is the redrive policy's maxReceiveCount.
	DeadLetter string
	MaxReceive int
}

// Create makes a queue and returns its URL,
// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME.
func (q *Queues) Create(account, region, name string, c QueueConfig) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, name)
	k := queueKey(url)
	if _, ok := q.queues[k]; ok {
		return "", fmt.Errorf("queue %s exists", url)
	}
	qu := &queue{url: url, visibility: c.Visibility, maxReceive: c.MaxReceive, receipts: map[string]*sqsMessage{}}
	if qu.visibility == 0 {
		qu.visibility = 30 * time.Second
	}
	if c.DeadLetter != "" {
		if qu.dlq = q.queues[queueKey(c.DeadLetter)]; qu.dlq == nil || c.MaxReceive < 1 {
			return "", fmt.Errorf("redrive to %s: no such queue, or maxReceiveCount %d below 1", c.DeadLetter, c.MaxReceive)
		}
	}
	q.queues[k] = qu
	return url, nil
}

// Depth reports the messages of a queue that are visible and in flight
// (received, not deleted, invisible).
func (q *Queues) Depth(url string) (visible, inFlight int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu := q.queues[queueKey(url)]
	if qu == nil {
		return 0, 0
	}
	now := q.now()
	for _, m := range qu.msgs {
		if m.visibleAt.After(now) {
			inFlight++
		} else {
			visible++
		}
	}
	return visible, inFlight
}

// queueKey is ACCOUNT/NAME of a queue URL.
func queueKey(url string) string {
	parts := strings.Split(strings.TrimRight(url, "/"), "/")
	if len(parts) < 2 {
		return url
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}

func (q *Queues) lookup(url *string) (*queue, error) {
	qu := q.queues[queueKey(aws.ToString(url))]
	if qu == nil {
		return nil, apiErr("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", http.StatusBadRequest)
	}
	return qu, nil
}

// wake tells long polls that a message may be receivable. Callers hold mu.
func (q *Queues) wake() {
	close(q.changed)
	q.changed = make(chan struct{})
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (q *Queues) send(qu *queue, body string) *sqsMessage {
	sum := md5.Sum([]byte(body)) // the SDK checks MD5OfMessageBody
	m := &sqsMessage{id: newID(), body: body, md5: hex.EncodeToString(sum[:]), sent: q.now()}
	qu.msgs = append(qu.msgs, m)
	q.wake()
	return m
}

// Send puts a message on a queue, as SendMessage does (for a benchmark
// feeding the queue in process).
func (q *Queues) Send(url, body string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.lookup(&url)
	if err != nil {
		return err
	}
	q.send(qu, body)
	return nil
}

// maxBodyBytes is SQS's largest message.
const maxBodyBytes = 256 << 10

// SendMessage implements the operation.
func (q *Queues) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	body := aws.ToString(in.MessageBody)
	if body == "" || len(body) > maxBodyBytes {
		return nil, apiErr("InvalidParameterValue", fmt.Sprintf("message body of %d bytes: want 1 to %d", len(body), maxBodyBytes), http.StatusBadRequest)
	}
	m := q.send(qu, body)
	return &sqs.SendMessageOutput{MessageId: aws.String(m.id), MD5OfMessageBody: aws.String(m.md5)}, nil
}

// SendMessageBatch implements the operation (up to 10 entries).
func (q *Queues) SendMessageBatch(_ context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if n := len(in.Entries); n == 0 || n > 10 {
		return nil, apiErr("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", fmt.Sprintf("%d entries: want 1 to 10", n), http.StatusBadRequest)
	}
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		body := aws.ToString(e.MessageBody)
		if body == "" || len(body) > maxBodyBytes {
			out.Failed = append(out.Failed, sqstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String("InvalidParameterValue"), SenderFault: true})
			continue
		}
		m := q.send(qu, body)
		out.Successful = append(out.Successful, sqstypes.SendMessageBatchResultEntry{Id: e.Id, MessageId: aws.String(m.id), MD5OfMessageBody: aws.String(m.md5)})
	}
	return out, nil
}

// ReceiveMessage implements the operation, long polling included.
func (q *Queues) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	limit := int(in.MaxNumberOfMessages)
	if limit == 0 {
		limit = 1
	}
	if limit < 1 || limit > 10 || in.WaitTimeSeconds < 0 || in.WaitTimeSeconds > 20 || in.VisibilityTimeout < 0 || in.VisibilityTimeout > 43200 {
		return nil, apiErr("InvalidParameterValue", "MaxNumberOfMessages 1-10, WaitTimeSeconds 0-20, VisibilityTimeout 0-43200", http.StatusBadRequest)
	}
	deadline := q.now().Add(time.Duration(in.WaitTimeSeconds) * time.Second)
	for {
		q.mu.Lock()
		qu, err := q.lookup(in.QueueUrl)
		if err != nil {
			q.mu.Unlock()
			return nil, err
		}
		now := q.now()
		vis := qu.visibility
		if in.VisibilityTimeout > 0 {
			vis = time.Duration(in.VisibilityTimeout) * time.Second
		}
		out := &sqs.ReceiveMessageOutput{}
		next := deadline // when to look again: a message's visibility may end first
		for i := 0; i < len(qu.msgs) && len(out.Messages) < limit; i++ {
			m := qu.msgs[i]
			if m.visibleAt.After(now) {
				next = minTime(next, m.visibleAt)
				continue
			}
			if qu.dlq != nil && m.receives >= qu.maxReceive {
				// Received maxReceiveCount times and not deleted: redrive.
				qu.msgs = append(qu.msgs[:i], qu.msgs[i+1:]...)
				i--
				m.visibleAt, m.receives = time.Time{}, 0
				for k, x := range qu.receipts {
					if x == m {
						delete(qu.receipts, k)
					}
				}
				qu.dlq.msgs = append(qu.dlq.msgs, m)
				continue
			}
			m.receives++
			if m.firstReceive.IsZero() {
				m.firstReceive = now
			}
			m.visibleAt = now.Add(vis)
			receipt := newID()
			qu.receipts[receipt] = m
			out.Messages = append(out.Messages, sqstypes.Message{
				MessageId: aws.String(m.id), ReceiptHandle: aws.String(receipt), Body: aws.String(m.body), MD5OfBody: aws.String(m.md5),
				Attributes: map[string]string{
					"SentTimestamp":                    strconv.FormatInt(m.sent.UnixMilli(), 10),
					"ApproximateReceiveCount":          strconv.Itoa(m.receives),
					"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.firstReceive.UnixMilli(), 10),
				},
			})
		}
		changed := q.changed
		q.mu.Unlock()
		if len(out.Messages) > 0 || !now.Before(deadline) {
			return out, nil
		}
		t := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-changed:
			t.Stop()
		case <-t.C:
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// DeleteMessage implements the operation. Any receipt handle issued for
// the message deletes it; deleting a deleted message succeeds, as on SQS.
func (q *Queues) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	r := aws.ToString(in.ReceiptHandle)
	m, ok := qu.receipts[r]
	if !ok {
		return nil, apiErr("ReceiptHandleIsInvalid", "The input receipt handle is invalid.", http.StatusBadRequest)
	}
	for i, x := range qu.msgs {
		if x == m {
			qu.msgs = append(qu.msgs[:i], qu.msgs[i+1:]...)
			break
		}
	}
	for k, x := range qu.receipts {
		if x == m {
			delete(qu.receipts, k)
		}
	}
	return &sqs.DeleteMessageOutput{}, nil
}

// ChangeMessageVisibility implements the operation: the message becomes
// visible again VisibilityTimeout seconds from now. A message that is not
// in flight cannot be changed.
func (q *Queues) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	m, ok := qu.receipts[aws.ToString(in.ReceiptHandle)]
	if !ok {
		return nil, apiErr("ReceiptHandleIsInvalid", "The input receipt handle is invalid.", http.StatusBadRequest)
	}
	now := q.now()
	if !m.visibleAt.After(now) {
		return nil, apiErr("AWS.SimpleQueueService.MessageNotInflight", "The message referred to is not in flight.", http.StatusBadRequest)
	}
	if in.VisibilityTimeout < 0 || in.VisibilityTimeout > 43200 {
		return nil, apiErr("InvalidParameterValue", "VisibilityTimeout 0-43200", http.StatusBadRequest)
	}
	m.visibleAt = now.Add(time.Duration(in.VisibilityTimeout) * time.Second)
	q.wake()
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}
