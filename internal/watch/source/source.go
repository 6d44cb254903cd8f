// Package source holds watch's inputs: one small interface and one file
// per kind (SQS queue, CloudWatch Logs group, HTTP ingest endpoint, local
// directory). A source reads CloudTrail data, hands it to the Sink in
// batches and acknowledges upstream (deletes the SQS message, advances the
// checkpoint, answers 200) only after the sink returned nil, which means
// every alert the batch produced is durably recorded.
package source

import (
	"context"
	"time"
)

// Source is one input. Run reads until ctx is cancelled (then returns
// nil) or a failure it cannot recover from (then returns it).
type Source interface {
	Name() string
	Run(ctx context.Context, sink Sink) error
}

// Sink is the detection pipeline as a source sees it.
type Sink interface {
	// Deliver runs detection over b and records its alerts, dedup state
	// and b.Checkpoint in one transaction. nil means durable.
	Deliver(ctx context.Context, b Batch) error
	// Checkpoint reads a checkpoint a source wrote with an earlier batch.
	Checkpoint(ctx context.Context, name string) (string, bool, error)
	// Checkpoints lists checkpoints whose names start with prefix.
	Checkpoints(ctx context.Context, prefix string) (map[string]string, error)
	// Unreadable records that input (a file) of source could not be read
	// because of cause, as an alert of its own: an input nobody can read
	// is a blind spot, never "no root activity". The same input and cause
	// make the same alert, recorded once. nil means durable.
	Unreadable(ctx context.Context, source, input, cause string) error
}

// Batch is one unit of input: an SQS message, a file, a page of log events,
// an HTTP request.
type Batch struct {
	Source string // the source's Name
	Name   string // what the batch is (file, message ID), for messages
	// Records calls fn with every CloudTrail record of the batch (raw JSON,
	// valid only during the call). A decode error of the input is returned
	// as it is (a *cloudtrail.DecodeError names the byte offset).
	Records func(fn func(raw []byte) error) error
	// Checkpoint, when set, is written in the batch's transaction.
	Checkpoint *Checkpoint
	// Received is when the data reached rootwatch; Produced, when known,
	// is when it was written upstream (source lag = Received - Produced).
	Received time.Time
	Produced time.Time
}

// Checkpoint is a named source position.
type Checkpoint struct {
	Name  string
	Value string
}
