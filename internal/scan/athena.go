package scan

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athtypes "github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

// AthenaAPI is the part of the Athena client the scanner uses.
type AthenaAPI interface {
	StartQueryExecution(ctx context.Context, in *athena.StartQueryExecutionInput, opts ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(ctx context.Context, in *athena.GetQueryExecutionInput, opts ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(ctx context.Context, in *athena.GetQueryResultsInput, opts ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
}

var _ AthenaAPI = (*athena.Client)(nil)

// Athena scans the CloudTrail table of the Athena User Guide with one
// query: athena://WORKGROUP/DATABASE.TABLE.
type Athena struct {
	Client    AthenaAPI
	Workgroup string
	Database  string
	Table     string
	Partition sqlpattern.Partitioning
	Pattern   *filterpattern.Pattern
	AllRoot   bool
	// PollEvery overrides the status polling interval (tests).
	PollEvery time.Duration
	Retry     Retry
}

func (a *Athena) String() string { return "athena://" + a.Workgroup + "/" + a.Database + "." + a.Table }

func (a *Athena) Walk(ctx context.Context, w Window, fn func(Unit) error) error {
	q, err := newSQLQuery(a.Pattern, sqlpattern.Athena)
	if err != nil {
		return err
	}
	sql := q.t.Query(sqlpattern.QueryOptions{Table: sqlpattern.TableRef(a.Database, a.Table), Since: w.Since, Until: w.Until,
		Partition: a.Partition, AlsoRoot: a.AllRoot})
	var rowSQL bool // the verdict of the row being delivered
	var unjudged int64
	return fn(Unit{Name: a.String(), Size: -1,
		Judge: func(raw []byte) (bool, bool) {
			m, _ := q.verdict(raw, rowSQL)
			return m, true
		},
		Records: func(ctx context.Context, rec func([]byte) error) error {
			id, err := a.start(ctx, sql)
			if err != nil {
				return err
			}
			if err := a.wait(ctx, id); err != nil {
				return err
			}
			cols := sqlpattern.Columns(sqlpattern.Athena)
			err = a.results(ctx, id, len(cols)+1, func(row []*string) error {
				raw, err := sqlpattern.Rebuild(cols, row[1:])
				if err != nil {
					return err
				}
				rowSQL = row[0] != nil && *row[0] == "true"
				if _, ok := q.verdict(raw, rowSQL); !ok {
					unjudged++
					return nil
				}
				return rec(raw)
			})
			if err != nil {
				return err
			}
			if unjudged > 0 {
				return errUnjudged(unjudged, q.t)
			}
			return nil
		}})
}

func (a *Athena) start(ctx context.Context, sql string) (string, error) {
	var out *athena.StartQueryExecutionOutput
	err := a.Retry.do(ctx, func() (err error) {
		out, err = a.Client.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{
			QueryString:           aws.String(sql),
			WorkGroup:             aws.String(a.Workgroup),
			QueryExecutionContext: &athtypes.QueryExecutionContext{Database: aws.String(a.Database)},
		})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("start the Athena query: %w", explain(err, "athena:StartQueryExecution"))
	}
	return aws.ToString(out.QueryExecutionId), nil
}

// wait polls until the query ends; a failed or cancelled query is an
// error that carries Athena's reason.
func (a *Athena) wait(ctx context.Context, id string) error {
	var p poller
	for {
		var out *athena.GetQueryExecutionOutput
		err := a.Retry.do(ctx, func() (err error) {
			out, err = a.Client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
			return err
		})
		if err != nil {
			return fmt.Errorf("Athena query %s: %w", id, explain(err, "athena:GetQueryExecution"))
		}
		st := out.QueryExecution.Status
		if st == nil {
			return fmt.Errorf("Athena query %s: no status", id)
		}
		switch st.State {
		case athtypes.QueryExecutionStateSucceeded:
			return nil
		case athtypes.QueryExecutionStateFailed, athtypes.QueryExecutionStateCancelled:
			why := aws.ToString(st.StateChangeReason)
			if st.AthenaError != nil && st.AthenaError.ErrorMessage != nil {
				why = aws.ToString(st.AthenaError.ErrorMessage)
			}
			return fmt.Errorf("Athena query %s %s: %s", id, st.State, why)
		}
		if err := p.wait(ctx, a.PollEvery); err != nil {
			return err
		}
	}
}

// results pages through the result set; the first row of the first page
// is the header.
func (a *Athena) results(ctx context.Context, id string, width int, fn func([]*string) error) error {
	in := &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(1000)}
	first := true
	for {
		var out *athena.GetQueryResultsOutput
		err := a.Retry.do(ctx, func() (err error) {
			out, err = a.Client.GetQueryResults(ctx, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("Athena query %s results: %w", id, explain(err, "athena:GetQueryResults"))
		}
		if out.ResultSet != nil {
			rows := out.ResultSet.Rows
			if first && len(rows) > 0 {
				rows = rows[1:]
			}
			first = false
			for _, r := range rows {
				if len(r.Data) != width {
					return fmt.Errorf("Athena query %s: a row of %d columns, want %d", id, len(r.Data), width)
				}
				row := make([]*string, width)
				for i, d := range r.Data {
					row[i] = d.VarCharValue
				}
				if err := fn(row); err != nil {
					return err
				}
			}
		}
		if out.NextToken == nil {
			return nil
		}
		in.NextToken = out.NextToken
	}
}
