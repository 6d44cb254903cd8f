package scan

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athtypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

// cells is a record as the Athena table returns it for the columns
// sqlpattern.Columns selects: the SerDe's text, nil for NULL.
func cells(t *testing.T, rec string) []*string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(rec), &v); err != nil {
		t.Fatal(err)
	}
	var out []*string
	for _, c := range sqlpattern.Columns(sqlpattern.Athena) {
		var cur any = v
		for _, k := range c.Path {
			m, ok := cur.(map[string]any)
			if !ok {
				cur = nil
				break
			}
			cur = m[k]
		}
		switch x := cur.(type) {
		case nil:
			out = append(out, nil)
		case string:
			out = append(out, &x)
		default:
			b, _ := json.Marshal(x)
			s := string(b)
			out = append(out, &s)
		}
	}
	return out
}

// fakeAthena answers one query with the rows the test gives, a page at a
// time, after the states the test lists.
type fakeAthena struct {
	mu       sync.Mutex
	rows     [][]*string // without the header
	states   []athtypes.QueryExecutionState
	reason   string
	startErr error
	pageSize int
	queries  []string
	pages    int
}

func (f *fakeAthena) StartQueryExecution(_ context.Context, in *athena.StartQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.startErr != nil {
		return nil, f.startErr
	}
	f.queries = append(f.queries, aws.ToString(in.QueryString))
	return &athena.StartQueryExecutionOutput{QueryExecutionId: aws.String("q-1")}, nil
}

func (f *fakeAthena) GetQueryExecution(_ context.Context, in *athena.GetQueryExecutionInput, _ ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := athtypes.QueryExecutionStateSucceeded
	if len(f.states) > 0 {
		st, f.states = f.states[0], f.states[1:]
	}
	return &athena.GetQueryExecutionOutput{QueryExecution: &athtypes.QueryExecution{Status: &athtypes.QueryExecutionStatus{
		State: st, StateChangeReason: aws.String(f.reason)}}}, nil
}

func (f *fakeAthena) GetQueryResults(_ context.Context, in *athena.GetQueryResultsInput, _ ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages++
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := min(start+f.pageSize, len(f.rows))
	var rows []athtypes.Row
	if start == 0 {
		var hdr athtypes.Row
		for range len(sqlpattern.Columns(sqlpattern.Athena)) + 1 {
			hdr.Data = append(hdr.Data, athtypes.Datum{VarCharValue: aws.String("col")})
		}
		rows = append(rows, hdr)
	}
	for _, r := range f.rows[start:end] {
		var row athtypes.Row
		for _, c := range r {
			row.Data = append(row.Data, athtypes.Datum{VarCharValue: c})
		}
		rows = append(rows, row)
	}
	out := &athena.GetQueryResultsOutput{ResultSet: &athtypes.ResultSet{Rows: rows}}
	if end < len(f.rows) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// athenaRows gives every record with the SQL verdict the pattern's
// translation would give (the engine's, for an exact translation).
func athenaRows(t *testing.T, recs []string, m *filterpattern.Matcher, selectAll bool) [][]*string {
	var rows [][]*string
	for _, r := range recs {
		match := m.Match([]byte(r))
		if !match && !selectAll {
			continue
		}
		v := strconv.FormatBool(match)
		rows = append(rows, append([]*string{&v}, cells(t, r)...))
	}
	return rows
}

func TestAthenaSourceExact(t *testing.T) {
	recs := sampleRecords(t)
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	fake := &fakeAthena{rows: athenaRows(t, recs, m, false), pageSize: 2,
		states: []athtypes.QueryExecutionState{athtypes.QueryExecutionStateQueued, athtypes.QueryExecutionStateRunning}}
	src := &Athena{Client: fake, Workgroup: "primary", Database: "ct", Table: "logs", Pattern: m.Pattern(), PollEvery: 1, Retry: noWait}
	res, err := Run(context.Background(), cisConfig(false), []Source{src})
	if err != nil {
		t.Fatal(err)
	}
	if res.Partial() || res.Stats.Matches != 6 {
		t.Fatalf("matches %d, problems %+v; want 6 and none", res.Stats.Matches, res.Problems)
	}
	if fake.pages < 3 {
		t.Errorf("%d result pages read, want every page", fake.pages)
	}
	if !strings.Contains(fake.queries[0], `FROM "ct"."logs"`) {
		t.Errorf("query: %s", fake.queries[0])
	}
}

// An approximate translation the rebuilt record cannot settle (IS NULL:
// the table keeps no difference between null and missing) makes the scan
// partial, never clean.
func TestAthenaSourceUnjudgedIsPartial(t *testing.T) {
	recs := sampleRecords(t)
	p, _ := filterpattern.Parse(`{ $.userIdentity.type = "Root" && $.errorCode IS NULL }`)
	// What SQL selects: type Root and errorcode NULL (null or missing).
	var rows [][]*string
	for _, r := range recs {
		if strings.Contains(r, `"type":"Root"`) && !strings.Contains(r, `"errorCode"`) {
			v := "true"
			rows = append(rows, append([]*string{&v}, cells(t, r)...))
		}
	}
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	fake := &fakeAthena{rows: rows, pageSize: 50}
	cfg := cisConfig(false)
	cfg.Matcher = filterpattern.MustCompile(p.String())
	res, err := Run(context.Background(), cfg, []Source{&Athena{Client: fake, Workgroup: "w", Database: "d", Table: "t", Pattern: p, PollEvery: 1, Retry: noWait}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial() || !strings.Contains(res.Problems[0].Msg, "could not be re-checked") {
		t.Fatalf("problems %+v, want a partial scan", res.Problems)
	}
}

func TestAthenaSourceFailures(t *testing.T) {
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	tests := []struct {
		name string
		fake *fakeAthena
		want string
	}{
		{"failed", &fakeAthena{states: []athtypes.QueryExecutionState{athtypes.QueryExecutionStateFailed}, reason: "TABLE_NOT_FOUND"}, "FAILED: TABLE_NOT_FOUND"},
		{"cancelled", &fakeAthena{states: []athtypes.QueryExecutionState{athtypes.QueryExecutionStateCancelled}, reason: "user"}, "CANCELLED"},
		{"denied", &fakeAthena{startErr: apiErr("AccessDeniedException")}, "grant athena:StartQueryExecution"},
		{"throttled", &fakeAthena{startErr: apiErr("ThrottlingException")}, "still throttled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fake.pageSize = 10
			res, err := Run(context.Background(), cisConfig(false), []Source{&Athena{Client: tc.fake, Workgroup: "w", Database: "d", Table: "t",
				Pattern: m.Pattern(), PollEvery: 1, Retry: Retry{Attempts: 2, Backoff: noWait.Backoff}}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Partial() || !strings.Contains(res.Problems[0].Msg, tc.want) {
				t.Fatalf("problems %+v, want one saying %q", res.Problems, tc.want)
			}
		})
	}
}

type fakeLake struct {
	rows   [][]map[string]string
	status cttypes.QueryStatus
	errMsg string
	sql    string
}

func (f *fakeLake) StartQuery(_ context.Context, in *cloudtrail.StartQueryInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.StartQueryOutput, error) {
	f.sql = aws.ToString(in.QueryStatement)
	return &cloudtrail.StartQueryOutput{QueryId: aws.String("lq")}, nil
}

func (f *fakeLake) DescribeQuery(context.Context, *cloudtrail.DescribeQueryInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeQueryOutput, error) {
	st := f.status
	if st == "" {
		st = cttypes.QueryStatusFinished
	}
	return &cloudtrail.DescribeQueryOutput{QueryStatus: st, ErrorMessage: aws.String(f.errMsg)}, nil
}

func (f *fakeLake) GetQueryResults(_ context.Context, in *cloudtrail.GetQueryResultsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetQueryResultsOutput, error) {
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := min(start+3, len(f.rows))
	out := &cloudtrail.GetQueryResultsOutput{QueryResultRows: f.rows[start:end], QueryStatus: cttypes.QueryStatusFinished}
	if end < len(f.rows) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// Lake reads eventjson back: the engine judges the records themselves, so
// a superset from the query (here every record) gives the exact
// findings.
func TestLakeSource(t *testing.T) {
	var rows [][]map[string]string
	for _, r := range sampleRecords(t) {
		rows = append(rows, []map[string]string{{"rootwatch_match": "true"}, {"eventjson": r}})
	}
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	fake := &fakeLake{rows: rows}
	res, err := Run(context.Background(), cisConfig(false), []Source{&Lake{Client: fake, EventDataStore: "eds-1", Pattern: m.Pattern(), PollEvery: 1, Retry: noWait}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Partial() || res.Stats.Matches != 6 {
		t.Fatalf("matches %d, problems %+v", res.Stats.Matches, res.Problems)
	}
	if !strings.Contains(fake.sql, "FROM eds-1") {
		t.Errorf("query: %s", fake.sql)
	}

	fake = &fakeLake{rows: append(rows, []map[string]string{{"rootwatch_match": "true"}, {"eventjson": ""}})}
	res, _ = Run(context.Background(), cisConfig(false), []Source{&Lake{Client: fake, EventDataStore: "eds-1", Pattern: m.Pattern(), PollEvery: 1, Retry: noWait}})
	if !res.Partial() {
		t.Error("a row without eventjson must make the scan partial")
	}
	fake = &fakeLake{status: cttypes.QueryStatusFailed, errMsg: "bad SQL"}
	res, _ = Run(context.Background(), cisConfig(false), []Source{&Lake{Client: fake, EventDataStore: "eds-1", Pattern: m.Pattern(), PollEvery: 1, Retry: noWait}})
	if !res.Partial() || !strings.Contains(res.Problems[0].Msg, "FAILED: bad SQL") {
		t.Errorf("problems %+v", res.Problems)
	}
}

func TestParseSQLURLs(t *testing.T) {
	wg, db, tbl, part, err := ParseAthenaURL("athena://primary/cloudtrail.logs_pp?partition=none")
	if err != nil || wg != "primary" || db != "cloudtrail" || tbl != "logs_pp" || part != sqlpattern.PartitionNone {
		t.Errorf("got %q %q %q %v %v", wg, db, tbl, part, err)
	}
	for _, bad := range []string{"athena://", "athena://w/db", "athena://w/d.t\"x", "athena://w/d.t?partition=hive", "athena://w/d.t?partition=ymd&x=1", "athena://w/d.t?partition=ymd%zz", "athena://u@w/d.t", "s3://w/d.t"} {
		if _, _, _, _, err := ParseAthenaURL(bad); err == nil {
			t.Errorf("ParseAthenaURL(%q) accepted", bad)
		}
	}
	if id, err := ParseLakeURL("lake://arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/abc-123"); err != nil || id != "abc-123" {
		t.Errorf("lake ARN: %q %v", id, err)
	}
	for _, bad := range []string{"lake://", "lake://a b", "lake://x;DROP"} {
		if _, err := ParseLakeURL(bad); err == nil {
			t.Errorf("ParseLakeURL(%q) accepted", bad)
		}
	}
}

func FuzzParseSQLURL(f *testing.F) {
	for _, s := range []string{"athena://primary/cloudtrail.logs", "athena://w/d.t?partition=none", "lake://abc-123", "lake://arn:aws:cloudtrail:r:1:eventdatastore/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, db, tbl, _, err := ParseAthenaURL(s); err == nil {
			if !sqlpattern.ValidName(db) || !sqlpattern.ValidName(tbl) {
				t.Fatalf("%q: accepted %q.%q", s, db, tbl)
			}
		}
		if id, err := ParseLakeURL(s); err == nil && !sqlpattern.ValidEventDataStore(id) {
			t.Fatalf("%q: accepted %q", s, id)
		}
	})
}
