package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// LogsAPI is what the CloudWatch Logs source calls; *cloudwatchlogs.Client
// satisfies it.
type LogsAPI interface {
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ LogsAPI = (*cloudwatchlogs.Client)(nil)

// CloudWatchConfig configures a log group source: the group CloudTrail
// delivers to, followed with FilterLogEvents across all its streams, the
// rules' pattern pushed to the service so only candidates travel.
type CloudWatchConfig struct {
	LogGroup string
	Logs     LogsAPI
	// Pattern is the filter pattern sent to CloudWatch (detect's
	// PushdownPattern); empty fetches every event.
	Pattern string
	// Interval between polls once caught up (default 10 s).
	Interval time.Duration
	// Lookback re-reads this much before the checkpoint on every poll,
	// because events can become searchable after later ones (CloudTrail
	// delivers in batches; streams ingest independently). Re-read events
	// are dropped by the checkpoint's IDs and by the seen-event table.
	// Default 5 minutes.
	Lookback time.Duration
	// Start is where to begin without a checkpoint (default: now minus
	// Lookback; a zero time means now).
	Start time.Time
	Now   func() time.Time
	Log   *slog.Logger
}

// CloudWatch is a log group source.
type CloudWatch struct{ c CloudWatchConfig }

// cwCheckpoint is the stored position: the newest event timestamp read
// (ms) and the IDs of the events at exactly that timestamp, so a restart
// resumes at that millisecond without repeating them.
type cwCheckpoint struct {
	TS  int64    `json:"ts"`
	IDs []string `json:"ids"`
}

// NewCloudWatch checks c.
func NewCloudWatch(c CloudWatchConfig) (*CloudWatch, error) {
	if c.LogGroup == "" || c.Logs == nil {
		return nil, errors.New("cloudwatch source: log group and client are required")
	}
	if c.Interval == 0 {
		c.Interval = 10 * time.Second
	}
	if c.Lookback == 0 {
		c.Lookback = 5 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &CloudWatch{c: c}, nil
}

func (w *CloudWatch) Name() string { return "cloudwatch:" + w.c.LogGroup }

// Run polls until ctx ends.
func (w *CloudWatch) Run(ctx context.Context, sink Sink) error {
	var cp cwCheckpoint
	for {
		v, ok, err := sink.Checkpoint(ctx, w.Name())
		if err == nil {
			if ok {
				if err := json.Unmarshal([]byte(v), &cp); err != nil {
					return fmt.Errorf("checkpoint of %s is corrupt (%q): %w", w.Name(), v, err)
				}
			} else {
				start := w.c.Start
				if start.IsZero() {
					start = w.c.Now().Add(-w.c.Lookback)
				}
				cp = cwCheckpoint{TS: start.UnixMilli()}
			}
			break
		}
		w.c.Log.Error("read checkpoint", "source", w.Name(), "error", err)
		if !sleep(ctx, w.c.Interval) {
			return nil
		}
	}
	backoff := time.Second
	for {
		next, err := w.poll(ctx, sink, cp)
		if err != nil {
			if ctx.Err() != nil {
				return nil //nolint:nilerr // shutting down: the poll was cut short, not failed
			}
			w.c.Log.Error("follow log group", "source", w.Name(), "error", err, "retry_in", backoff.String())
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(backoff*2, time.Minute)
			continue
		}
		backoff = time.Second
		cp = next
		if !sleep(ctx, w.c.Interval) {
			return nil
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// poll reads everything from the checkpoint (minus the lookback) to now,
// page by page. Each page is one batch; the checkpoint advances with the
// last page, so a crash mid-way re-reads from the old checkpoint and the
// seen-event table drops what was already recorded.
func (w *CloudWatch) poll(ctx context.Context, sink Sink, cp cwCheckpoint) (cwCheckpoint, error) {
	start := cp.TS - w.c.Lookback.Milliseconds()
	skip := map[string]bool{}
	for _, id := range cp.IDs {
		skip[id] = true
	}
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(w.c.LogGroup),
		StartTime:    aws.Int64(start),
		EndTime:      aws.Int64(w.c.Now().UnixMilli()),
	}
	if w.c.Pattern != "" {
		in.FilterPattern = aws.String(w.c.Pattern)
	}
	next := cp
	for page := 0; ; page++ {
		out, err := w.c.Logs.FilterLogEvents(ctx, in)
		if err != nil {
			return cp, fmt.Errorf("FilterLogEvents on %s: %w", w.c.LogGroup, err)
		}
		var events []cwltypes.FilteredLogEvent
		var newest int64
		for _, e := range out.Events {
			ts := aws.ToInt64(e.Timestamp)
			if ts == cp.TS && skip[aws.ToString(e.EventId)] {
				continue
			}
			events = append(events, e)
			newest = max(newest, ts)
			switch {
			case ts > next.TS:
				next = cwCheckpoint{TS: ts, IDs: []string{aws.ToString(e.EventId)}}
			case ts == next.TS && !slices.Contains(next.IDs, aws.ToString(e.EventId)):
				next.IDs = append(next.IDs, aws.ToString(e.EventId))
			}
		}
		last := out.NextToken == nil || aws.ToString(out.NextToken) == ""
		b := Batch{Source: w.Name(), Name: fmt.Sprintf("%s page %d", w.c.LogGroup, page), Received: w.c.Now(),
			Records: func(fn func([]byte) error) error {
				var first error
				for _, e := range events {
					msg := []byte(aws.ToString(e.Message))
					// Each message is one record as CloudTrail wrote it.
					if err := recordsOf(msg, w.c.LogGroup+"/"+aws.ToString(e.LogStreamName)+"#"+aws.ToString(e.EventId), w.c.Log)(fn); err != nil {
						var bad *cloudtrail.DecodeError
						if !errors.As(err, &bad) {
							return err
						}
						if first == nil {
							first = err
						}
					}
				}
				return first
			}}
		if newest > 0 {
			b.Produced = time.UnixMilli(newest)
		}
		if last {
			v, _ := json.Marshal(next)
			b.Checkpoint = &Checkpoint{Name: w.Name(), Value: string(v)}
		}
		if len(events) > 0 || last {
			err := sink.Deliver(ctx, b)
			var bad *cloudtrail.DecodeError
			if err != nil && !errors.As(err, &bad) {
				return cp, err
			}
			if err != nil {
				w.c.Log.Error("log events that are not CloudTrail records", "source", w.Name(), "error", err)
			}
		}
		if last {
			return next, nil
		}
		in.NextToken = out.NextToken
	}
}
