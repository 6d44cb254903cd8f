package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// LogsAPI is the part of the CloudWatch Logs client the scanner uses.
type LogsAPI interface {
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ LogsAPI = (*cloudwatchlogs.Client)(nil)

// LogGroup is a CloudWatch Logs log group a trail delivers to. The
// pattern is pushed to the service (FilterLogEvents across all streams,
// within the window) so only candidates travel; each event is matched
// again here so the result is exactly the engine's.
type LogGroup struct {
	Client  LogsAPI
	Name    string // log group name or ARN
	Pattern string // the filter pattern pushed to the service ("" for all)
	Retry   Retry
}

func (g *LogGroup) String() string { return "cloudwatch://" + g.Name }

func (g *LogGroup) Walk(ctx context.Context, w Window, fn func(Unit) error) error {
	return fn(Unit{Name: g.String(), Size: -1, Records: func(ctx context.Context, rec func([]byte) error) error {
		return g.events(ctx, w, rec)
	}})
}

func (g *LogGroup) events(ctx context.Context, w Window, rec func([]byte) error) error {
	in := &cloudwatchlogs.FilterLogEventsInput{}
	if strings.HasPrefix(g.Name, "arn:") {
		in.LogGroupIdentifier = aws.String(strings.TrimSuffix(g.Name, ":*"))
	} else {
		in.LogGroupName = aws.String(g.Name)
	}
	if g.Pattern != "" {
		in.FilterPattern = aws.String(g.Pattern)
	}
	if !w.Since.IsZero() {
		in.StartTime = aws.Int64(w.Since.UnixMilli())
	}
	if !w.Until.IsZero() {
		in.EndTime = aws.Int64(w.Until.UnixMilli())
	}
	for {
		var out *cloudwatchlogs.FilterLogEventsOutput
		err := g.Retry.do(ctx, func() (err error) {
			out, err = g.Client.FilterLogEvents(ctx, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("filter log events in %s: %w", g.Name, explain(err, "logs:FilterLogEvents on the log group"))
		}
		for _, e := range out.Events {
			if err := rec([]byte(aws.ToString(e.Message))); err != nil {
				return err
			}
		}
		// FilterLogEvents may return an empty page with a token while
		// it searches; only a missing token ends the listing.
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			return nil
		}
		in.NextToken = out.NextToken
	}
}
