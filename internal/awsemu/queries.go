package awsemu

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athtypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/rootwatch/rootwatch/internal/sqlduck"
)

// Queries holds the CloudTrail records behind Athena tables and CloudTrail
// Lake event data stores, and runs queries on them with DuckDB
// (internal/sqlduck). In a build without the duckdb tag there is no SQL
// engine: every query ends FAILED with sqlduck.ErrNoEngine's message, as a
// query AWS cannot run does, so a client reports a failure, never an empty
// result.
type Queries struct {
	mu     sync.Mutex
	tables map[string][]sqlduck.Record // account/region/db.table
	stores map[string][]sqlduck.Record // account/region/id
	execs  map[string]*execution
	next   int
	// PageSize caps rows per result page (0: 1000, Athena's maximum).
	PageSize int
}

// NewQueries returns an empty store.
func NewQueries() *Queries {
	return &Queries{tables: map[string][]sqlduck.Record{}, stores: map[string][]sqlduck.Record{}, execs: map[string]*execution{}}
}

// PutTable adds records to an Athena table (database.table) of an account
// and region.
func (q *Queries) PutTable(account, region, database, table string, recs ...sqlduck.Record) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := account + "/" + region + "/" + database + "." + table
	q.tables[k] = append(q.tables[k], recs...)
}

// PutEventDataStore adds records to a CloudTrail Lake event data store.
func (q *Queries) PutEventDataStore(account, region, id string, recs ...sqlduck.Record) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := account + "/" + region + "/" + id
	q.stores[k] = append(q.stores[k], recs...)
}

// execution is one query: it is run when started, and reports RUNNING on
// the first status call so clients poll as they must.
type execution struct {
	owner  string // account/region
	polled bool
	res    *sqlduck.Result
	err    error
}

func (q *Queries) run(ctx context.Context, owner string, t sqlduck.Table, recs []sqlduck.Record, sql string) string {
	e := &execution{owner: owner}
	db, err := sqlduck.Open(ctx, t, recs)
	if err == nil {
		e.res, e.err = db.Query(ctx, sql)
		_ = db.Close()
	} else {
		e.err = err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.next++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", q.next)
	q.execs[id] = e
	return id
}

func (q *Queries) get(owner, id string) (*execution, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.execs[id]
	if !ok || e.owner != owner {
		return nil, false
	}
	return e, true
}

// status reports whether the execution is still "running" (first call)
// and marks it polled.
func (q *Queries) status(e *execution) (running bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	running = !e.polled
	e.polled = true
	return running
}

func (q *Queries) pageSize(max int32) int {
	n := q.PageSize
	if n <= 0 {
		n = 1000
	}
	if max > 0 && int(max) < n {
		n = int(max)
	}
	return n
}

func pageStart(token *string, n int) (int, error) {
	if token == nil {
		return 0, nil
	}
	i, err := strconv.Atoi(*token)
	if err != nil || i < 0 || i > n {
		return 0, apiErr("InvalidRequestException", "invalid NextToken", http.StatusBadRequest)
	}
	return i, nil
}

func (s *Server) athena(ctx context.Context, c caller, op string, data any) (*node, error) {
	if s.Queries == nil {
		return nil, apiErr("UnknownOperationException", "Athena is not emulated", http.StatusBadRequest)
	}
	if err := s.Cloud.Allowed(c.account, c.region, "athena:"+op); err != nil {
		return nil, err
	}
	owner := c.account + "/" + c.region
	switch op {
	case "StartQueryExecution":
		in := &athena.StartQueryExecutionInput{}
		if err := assignInput(in, data, op+"Input"); err != nil {
			return nil, err
		}
		db := ""
		if in.QueryExecutionContext != nil {
			db = aws.ToString(in.QueryExecutionContext.Database)
		}
		// The emulator serves one table per query: the one named in
		// FROM "db"."table".
		m := athenaFrom.FindStringSubmatch(aws.ToString(in.QueryString))
		if m == nil {
			return nil, apiErr("InvalidRequestException", `the emulator needs FROM "database"."table"`, http.StatusBadRequest)
		}
		if db != "" && m[1] != db {
			return nil, apiErr("InvalidRequestException", "FROM names another database than QueryExecutionContext", http.StatusBadRequest)
		}
		s.Queries.mu.Lock()
		recs := append([]sqlduck.Record(nil), s.Queries.tables[owner+"/"+m[1]+"."+m[2]]...)
		s.Queries.mu.Unlock()
		id := s.Queries.run(ctx, owner, sqlduck.Table{Schema: m[1], Name: m[2]}, recs, aws.ToString(in.QueryString))
		return outputTree(&athena.StartQueryExecutionOutput{QueryExecutionId: aws.String(id)}), nil
	case "GetQueryExecution":
		in := &athena.GetQueryExecutionInput{}
		if err := assignInput(in, data, op+"Input"); err != nil {
			return nil, err
		}
		e, ok := s.Queries.get(owner, aws.ToString(in.QueryExecutionId))
		if !ok {
			return nil, apiErr("InvalidRequestException", "QueryExecution "+aws.ToString(in.QueryExecutionId)+" was not found", http.StatusBadRequest)
		}
		st := &athtypes.QueryExecutionStatus{State: athtypes.QueryExecutionStateSucceeded}
		switch {
		case s.Queries.status(e):
			st.State = athtypes.QueryExecutionStateRunning
		case e.err != nil:
			st.State = athtypes.QueryExecutionStateFailed
			st.StateChangeReason = aws.String(e.err.Error())
			st.AthenaError = &athtypes.AthenaError{ErrorCategory: aws.Int32(2), ErrorMessage: aws.String(e.err.Error())}
		}
		return outputTree(&athena.GetQueryExecutionOutput{QueryExecution: &athtypes.QueryExecution{
			QueryExecutionId: in.QueryExecutionId, Status: st}}), nil
	case "GetQueryResults":
		in := &athena.GetQueryResultsInput{}
		if err := assignInput(in, data, op+"Input"); err != nil {
			return nil, err
		}
		e, ok := s.Queries.get(owner, aws.ToString(in.QueryExecutionId))
		if !ok || e.res == nil {
			return nil, apiErr("InvalidRequestException", "the query has not succeeded", http.StatusBadRequest)
		}
		size := s.Queries.pageSize(aws.ToInt32(in.MaxResults))
		start, err := pageStart(in.NextToken, len(e.res.Rows))
		if err != nil {
			return nil, err
		}
		var rows []athtypes.Row
		if start == 0 {
			// The first row of the first page is the header.
			var hdr athtypes.Row
			for _, c := range e.res.Columns {
				hdr.Data = append(hdr.Data, athtypes.Datum{VarCharValue: aws.String(c)})
			}
			rows = append(rows, hdr)
			size--
		}
		end := min(start+max(size, 1), len(e.res.Rows))
		for _, r := range e.res.Rows[start:end] {
			var row athtypes.Row
			for _, v := range r {
				row.Data = append(row.Data, athtypes.Datum{VarCharValue: v})
			}
			rows = append(rows, row)
		}
		out := &athena.GetQueryResultsOutput{ResultSet: &athtypes.ResultSet{Rows: rows}}
		if end < len(e.res.Rows) {
			out.NextToken = aws.String(strconv.Itoa(end))
		}
		return outputTree(out), nil
	}
	return nil, apiErr("UnknownOperationException", "operation "+op+" is not emulated", http.StatusBadRequest)
}

var (
	athenaFrom = regexp.MustCompile(`(?i)\bFROM\s+"([A-Za-z0-9_]+)"\."([A-Za-z0-9_]+)"`)
	// lakeFrom finds the event data store: Lake's FROM takes a bare ID
	// with dashes, which DuckDB reads only quoted.
	lakeFrom = regexp.MustCompile(`(?i)\bFROM\s+([A-Za-z0-9-]+)`)
)

func (s *Server) lake(ctx context.Context, c caller, op string, data any) (*node, error) {
	if err := s.Cloud.Allowed(c.account, c.region, "cloudtrail:"+op); err != nil {
		return nil, err
	}
	owner := c.account + "/" + c.region
	switch op {
	case "StartQuery":
		in := &cloudtrail.StartQueryInput{}
		if err := assignInput(in, data, op+"Input"); err != nil {
			return nil, err
		}
		sql := aws.ToString(in.QueryStatement)
		m := lakeFrom.FindStringSubmatchIndex(sql)
		if m == nil {
			return nil, apiErr("InvalidQueryStatementException", "the query names no event data store in FROM", http.StatusBadRequest)
		}
		id := sql[m[2]:m[3]]
		s.Queries.mu.Lock()
		recs, ok := s.Queries.stores[owner+"/"+id]
		recs = append([]sqlduck.Record(nil), recs...)
		s.Queries.mu.Unlock()
		if !ok {
			return nil, apiErr("EventDataStoreNotFoundException", "event data store "+id+" not found", http.StatusBadRequest)
		}
		sql = sql[:m[2]] + `"` + id + `"` + sql[m[3]:]
		qid := s.Queries.run(ctx, owner, sqlduck.Table{Schema: "lake", Name: "records", EventDataStore: id}, recs, sql)
		return outputTree(&cloudtrail.StartQueryOutput{QueryId: aws.String(qid)}), nil
	case "DescribeQuery":
		in := &cloudtrail.DescribeQueryInput{}
		if err := assignInput(in, data, op+"Input"); err != nil {
			return nil, err
		}
		e, ok := s.Queries.get(owner, aws.ToString(in.QueryId))
		if !ok {
			return nil, apiErr("QueryIdNotFoundException", "query not found", http.StatusBadRequest)
		}
		out := &cloudtrail.DescribeQueryOutput{QueryId: in.QueryId, QueryStatus: cttypes.QueryStatusFinished}
		switch {
		case s.Queries.status(e):
			out.QueryStatus = cttypes.QueryStatusRunning
		case e.err != nil:
			out.QueryStatus = cttypes.QueryStatusFailed
			out.ErrorMessage = aws.String(e.err.Error())
		}
		return outputTree(out), nil
	case "GetQueryResults":
		in := &cloudtrail.GetQueryResultsInput{}
		if err := assignInput(in, data, op+"Input"); err != nil {
			return nil, err
		}
		e, ok := s.Queries.get(owner, aws.ToString(in.QueryId))
		if !ok || e.res == nil {
			return nil, apiErr("InactiveQueryException", "the query has not finished", http.StatusBadRequest)
		}
		size := s.Queries.pageSize(aws.ToInt32(in.MaxQueryResults))
		start, err := pageStart(in.NextToken, len(e.res.Rows))
		if err != nil {
			return nil, err
		}
		end := min(start+size, len(e.res.Rows))
		out := &cloudtrail.GetQueryResultsOutput{QueryStatus: cttypes.QueryStatusFinished}
		for _, r := range e.res.Rows[start:end] {
			row := make([]map[string]string, 0, len(r))
			for i, v := range r {
				if v != nil {
					row = append(row, map[string]string{e.res.Columns[i]: *v})
				}
			}
			out.QueryResultRows = append(out.QueryResultRows, row)
		}
		if end < len(e.res.Rows) {
			out.NextToken = aws.String(strconv.Itoa(end))
		}
		return outputTree(out), nil
	}
	return nil, apiErr("UnknownOperationException", "operation "+op+" is not emulated", http.StatusBadRequest)
}
