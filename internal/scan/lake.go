package scan

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

// LakeAPI is the part of the CloudTrail client that runs CloudTrail Lake
// queries.
type LakeAPI interface {
	StartQuery(ctx context.Context, in *cloudtrail.StartQueryInput, opts ...func(*cloudtrail.Options)) (*cloudtrail.StartQueryOutput, error)
	DescribeQuery(ctx context.Context, in *cloudtrail.DescribeQueryInput, opts ...func(*cloudtrail.Options)) (*cloudtrail.DescribeQueryOutput, error)
	GetQueryResults(ctx context.Context, in *cloudtrail.GetQueryResultsInput, opts ...func(*cloudtrail.Options)) (*cloudtrail.GetQueryResultsOutput, error)
}

var _ LakeAPI = (*cloudtrail.Client)(nil)

// Lake scans a CloudTrail Lake event data store: lake://ID. The query
// reads back eventjson, the record itself, which the engine judges as it
// judges a record from a file: the results are exact whatever the
// translation's label.
type Lake struct {
	Client         LakeAPI
	EventDataStore string
	Pattern        *filterpattern.Pattern
	AllRoot        bool
	PollEvery      time.Duration
	Retry          Retry
}

func (l *Lake) String() string { return "lake://" + l.EventDataStore }

func (l *Lake) Walk(ctx context.Context, w Window, fn func(Unit) error) error {
	q, err := newSQLQuery(l.Pattern, sqlpattern.Lake)
	if err != nil {
		return err
	}
	sql := q.t.Query(sqlpattern.QueryOptions{Table: l.EventDataStore, Since: w.Since, Until: w.Until, AlsoRoot: l.AllRoot})
	return fn(Unit{Name: l.String(), Size: -1, Records: func(ctx context.Context, rec func([]byte) error) error {
		id, err := l.start(ctx, sql)
		if err != nil {
			return err
		}
		if err := l.wait(ctx, id); err != nil {
			return err
		}
		var missing int64
		err = l.results(ctx, id, func(row []map[string]string) error {
			// Columns: rootwatch_match, eventjson.
			var raw string
			for _, cell := range row {
				if v, ok := cell["eventjson"]; ok {
					raw = v
				}
			}
			if raw == "" {
				missing++
				return nil
			}
			return rec([]byte(raw))
		})
		if err != nil {
			return err
		}
		if missing > 0 {
			return fmt.Errorf("%d selected records came back %w, so whether they match is unknown (use athena:// over the trail's bucket)", missing, errNoRecordJSON)
		}
		return nil
	}})
}

func (l *Lake) start(ctx context.Context, sql string) (string, error) {
	var out *cloudtrail.StartQueryOutput
	err := l.Retry.do(ctx, func() (err error) {
		out, err = l.Client.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String(sql)})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("start the CloudTrail Lake query: %w", explain(err, "cloudtrail:StartQuery"))
	}
	return aws.ToString(out.QueryId), nil
}

func (l *Lake) wait(ctx context.Context, id string) error {
	var p poller
	for {
		var out *cloudtrail.DescribeQueryOutput
		err := l.Retry.do(ctx, func() (err error) {
			out, err = l.Client.DescribeQuery(ctx, &cloudtrail.DescribeQueryInput{QueryId: aws.String(id)})
			return err
		})
		if err != nil {
			return fmt.Errorf("CloudTrail Lake query %s: %w", id, explain(err, "cloudtrail:DescribeQuery"))
		}
		switch out.QueryStatus {
		case cttypes.QueryStatusFinished:
			return nil
		case cttypes.QueryStatusFailed, cttypes.QueryStatusCancelled, cttypes.QueryStatusTimedOut:
			return fmt.Errorf("CloudTrail Lake query %s %s: %s", id, out.QueryStatus, aws.ToString(out.ErrorMessage))
		}
		if err := p.wait(ctx, l.PollEvery); err != nil {
			return err
		}
	}
}

func (l *Lake) results(ctx context.Context, id string, fn func([]map[string]string) error) error {
	in := &cloudtrail.GetQueryResultsInput{QueryId: aws.String(id), MaxQueryResults: aws.Int32(1000)}
	for {
		var out *cloudtrail.GetQueryResultsOutput
		err := l.Retry.do(ctx, func() (err error) {
			out, err = l.Client.GetQueryResults(ctx, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("CloudTrail Lake query %s results: %w", id, explain(err, "cloudtrail:GetQueryResults"))
		}
		for _, row := range out.QueryResultRows {
			if err := fn(row); err != nil {
				return err
			}
		}
		if out.NextToken == nil {
			return nil
		}
		in.NextToken = out.NextToken
	}
}
