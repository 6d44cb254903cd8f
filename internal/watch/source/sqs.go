package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// SQSAPI is what the SQS source calls; *sqs.Client satisfies it.
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// S3API fetches the log files notifications point at; *s3.Client
// satisfies it.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var (
	_ SQSAPI = (*sqs.Client)(nil)
	_ S3API  = (*s3.Client)(nil)
)

// SQSConfig configures a queue source. The queue receives S3 "object
// created" notifications for CloudTrail log files (directly, through SNS,
// or as EventBridge "Object Created" events) and EventBridge CloudTrail
// events; its redrive policy (maxReceiveCount + dead-letter queue) decides
// what happens to messages rootwatch cannot read.
type SQSConfig struct {
	QueueURL string
	SQS      SQSAPI
	S3       S3API // needed for notifications; nil refuses them as poison
	// Visibility is the visibility timeout rootwatch asks for and keeps
	// extending while a message is being processed (default 60 s).
	Visibility time.Duration
	// Wait is the long-poll wait (default 20 s, the SQS maximum).
	Wait time.Duration
	// Workers process messages in parallel (default 4).
	Workers int
	Now     func() time.Time
	Log     *slog.Logger
	// OnPoison is told about every message left for the dead-letter queue.
	OnPoison func(messageID string, err error)
}

// SQS is a queue source.
type SQS struct{ c SQSConfig }

// NewSQS checks c.
func NewSQS(c SQSConfig) (*SQS, error) {
	if c.QueueURL == "" || c.SQS == nil {
		return nil, errors.New("sqs source: queue URL and client are required")
	}
	if c.Visibility == 0 {
		c.Visibility = time.Minute
	}
	if c.Visibility < 2*time.Second {
		return nil, fmt.Errorf("sqs source: visibility timeout %s is too short", c.Visibility)
	}
	if c.Wait == 0 {
		c.Wait = 20 * time.Second
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &SQS{c: c}, nil
}

func (q *SQS) Name() string { return "sqs:" + q.c.QueueURL }

// Run receives until ctx ends. Errors receiving (throttling, a network
// blip) are retried with backoff; only a message whose alerts are recorded
// is deleted.
func (q *SQS) Run(ctx context.Context, sink Sink) error {
	msgs := make(chan sqstypes.Message)
	var wg sync.WaitGroup
	for range q.c.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range msgs {
				q.process(ctx, sink, m)
			}
		}()
	}
	defer wg.Wait()
	defer close(msgs)
	backoff := time.Second
	for ctx.Err() == nil {
		out, err := q.c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(q.c.QueueURL),
			MaxNumberOfMessages:         10,
			WaitTimeSeconds:             int32(q.c.Wait / time.Second),
			VisibilityTimeout:           int32(q.c.Visibility / time.Second),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"SentTimestamp", "ApproximateReceiveCount"},
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			q.c.Log.Error("receive from queue", "queue", q.c.QueueURL, "error", err, "retry_in", backoff.String())
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(backoff*2, time.Minute)
			continue
		}
		backoff = time.Second
		for _, m := range out.Messages {
			select {
			case msgs <- m:
			case <-ctx.Done():
				return nil
			}
		}
	}
	return nil
}

// process handles one message: keeps it invisible while it works, records
// its alerts, then deletes it. A message that cannot be read stays in the
// queue for the redrive policy; one whose alerts could not be recorded
// (store down) reappears after the visibility timeout and is tried again.
func (q *SQS) process(ctx context.Context, sink Sink, m sqstypes.Message) {
	id := aws.ToString(m.MessageId)
	hctx, stop := context.WithCancel(ctx)
	var hb sync.WaitGroup
	hb.Add(1)
	go func() { defer hb.Done(); q.heartbeat(hctx, m) }()
	err := sink.Deliver(ctx, q.batch(ctx, m))
	stop()
	hb.Wait()
	var bad *cloudtrail.DecodeError
	switch {
	case err == nil:
		// The alerts are durable: a crash after this point only means the
		// message is received again and its events are deduplicated.
		_, derr := q.c.SQS.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{
			QueueUrl: aws.String(q.c.QueueURL), ReceiptHandle: m.ReceiptHandle})
		if derr != nil {
			q.c.Log.Warn("delete processed message (it will be received again and deduplicated)", "message", id, "error", derr)
		}
	case errors.As(err, &bad):
		q.c.Log.Error("poison message left for the dead-letter queue", "message", id,
			"receive_count", m.Attributes["ApproximateReceiveCount"], "error", err)
		if q.c.OnPoison != nil {
			q.c.OnPoison(id, err)
		}
	default:
		q.c.Log.Error("message not processed; it will be received again", "message", id, "error", err)
	}
}

// heartbeat extends the message's visibility while it is processed, so a
// large log file is not handed to another consumer half-way.
func (q *SQS) heartbeat(ctx context.Context, m sqstypes.Message) {
	t := time.NewTicker(q.c.Visibility / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := q.c.SQS.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
				QueueUrl: aws.String(q.c.QueueURL), ReceiptHandle: m.ReceiptHandle,
				VisibilityTimeout: int32(q.c.Visibility / time.Second)})
			if err != nil && ctx.Err() == nil {
				q.c.Log.Warn("extend message visibility", "message", aws.ToString(m.MessageId), "error", err)
			}
		}
	}
}

// s3ObjectCreated is an EventBridge "Object Created" event from S3.
type s3ObjectCreated struct {
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	Detail     struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  string `json:"key"`
			Size int64  `json:"size"`
		} `json:"object"`
	} `json:"detail"`
}

func (q *SQS) batch(ctx context.Context, m sqstypes.Message) Batch {
	id := aws.ToString(m.MessageId)
	body := aws.ToString(m.Body)
	name := "message " + id
	b := Batch{Source: q.Name(), Name: name, Received: q.c.Now()}
	if ms, err := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64); err == nil {
		b.Produced = time.UnixMilli(ms)
	}
	fetch := func(o cloudtrail.ObjectRef, fn func([]byte) error) error { return q.object(ctx, name, o, fn) }
	var ev s3ObjectCreated
	if strings.Contains(body, `"Object Created"`) && json.Unmarshal([]byte(body), &ev) == nil &&
		ev.DetailType == "Object Created" && ev.Source == "aws.s3" {
		b.Records = func(fn func([]byte) error) error {
			return fetch(cloudtrail.ObjectRef{Bucket: ev.Detail.Bucket.Name, Key: ev.Detail.Object.Key, Size: ev.Detail.Object.Size}, fn)
		}
		return b
	}
	b.Records = decodeFunc(strings.NewReader(body), len(body)+512, name, q.c.Log, fetch)
	return b
}

// object streams one log file from S3 through the decoder. Digest files
// are skipped without being fetched.
func (q *SQS) object(ctx context.Context, msg string, o cloudtrail.ObjectRef, fn func([]byte) error) error {
	if strings.Contains(o.Key, "/CloudTrail-Digest/") {
		q.c.Log.Info("skip object that is not a CloudTrail log file", "bucket", o.Bucket, "key", o.Key)
		return nil
	}
	if q.c.S3 == nil {
		return &cloudtrail.DecodeError{Name: msg, Msg: "S3 notification but no S3 client configured", Err: cloudtrail.ErrNotCloudTrail}
	}
	out, err := q.c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key)})
	if err != nil {
		return fmt.Errorf("get s3://%s/%s: %w", o.Bucket, o.Key, err)
	}
	defer func() { _ = out.Body.Close() }()
	name := "s3://" + o.Bucket + "/" + o.Key
	return records(out.Body, name, q.c.Log)(fn)
}
