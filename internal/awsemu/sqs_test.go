package awsemu_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
)

// clock is a settable time for visibility timeouts.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// SQS over the wire with the SDK's own client (which checks each body's
// MD5): visibility timeouts, their extension, deletion, long polling and
// the redrive policy behave as a consumer relies on.
func TestSQSQueue(t *testing.T) {
	ctx := context.Background()
	s := awsemu.New(awsfake.New())
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s.Queues.Now = clk.now
	dlq, err := s.Queues.Create(mgmt, home, "files-dlq", awsemu.QueueConfig{})
	if err != nil {
		t.Fatal(err)
	}
	url, err := s.Queues.Create(mgmt, home, "files", awsemu.QueueConfig{Visibility: 30 * time.Second, DeadLetter: dlq, MaxReceive: 2})
	if err != nil {
		t.Fatal(err)
	}
	c := sqs.NewFromConfig(config(start(t, s), "AKIA"+mgmt))
	q := aws.String(url)
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("one")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: []sqstypes.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("two")}, {Id: aws.String("b"), MessageBody: aws.String("three")}}}); err != nil {
		t.Fatal(err)
	}
	receive := func(want ...string) []sqstypes.Message {
		t.Helper()
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, MaxNumberOfMessages: 10,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"SentTimestamp", "ApproximateReceiveCount"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range out.Messages {
			got = append(got, aws.ToString(m.Body))
		}
		if len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) {
			t.Fatalf("received %q, want %q", got, want)
		}
		return out.Messages
	}
	first := receive("one", "two", "three")
	if a := first[0].Attributes; a["ApproximateReceiveCount"] != "1" || a["SentTimestamp"] != "1767323045000" {
		t.Errorf("attributes %v", a)
	}
	receive() // in flight
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: q, ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 90}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q, ReceiptHandle: first[1].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	clk.add(31 * time.Second)
	again := receive("three") // "one" extended, "two" deleted
	if again[0].Attributes["ApproximateReceiveCount"] != "2" || aws.ToString(again[0].ReceiptHandle) == aws.ToString(first[2].ReceiptHandle) {
		t.Errorf("second receive %+v", again[0])
	}
	clk.add(60 * time.Second)
	// "one" is back (received twice); "three" was received twice and is
	// moved to the dead-letter queue instead of a third time.
	receive("one")
	if v, f := s.Queues.Depth(dlq); v != 1 || f != 0 {
		t.Errorf("dead-letter queue holds %d visible, %d in flight; want the message received twice", v, f)
	}
	if v, f := s.Queues.Depth(url); v != 0 || f != 1 {
		t.Errorf("queue depth %d visible, %d in flight, want 0 and 1", v, f)
	}
	_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: q, ReceiptHandle: first[1].ReceiptHandle, VisibilityTimeout: 5})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ReceiptHandleIsInvalid" {
		t.Errorf("changing a deleted message: %v", err)
	}
	_, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String("https://sqs.eu-west-1.amazonaws.com/" + mgmt + "/nope")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("missing queue: %v", err)
	}

	// Long polling: a receive waiting for a message gets the one sent
	// while it waits.
	got := make(chan []sqstypes.Message, 1)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: 20})
		if err != nil {
			t.Error(err)
			got <- nil
			return
		}
		got <- out.Messages
	}()
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("four")}); err != nil {
		t.Fatal(err)
	}
	if m := <-got; len(m) != 1 || aws.ToString(m[0].Body) != "four" {
		t.Errorf("long poll got %+v", m)
	}
}
