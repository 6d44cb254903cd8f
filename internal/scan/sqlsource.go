package scan

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

// An SQL source runs the pattern where the data is (Amazon Athena over the
// CloudTrail table, or a CloudTrail Lake event data store) and reads back
// only the records the query selects. The query is the pattern compiled
// by sqlpattern: exact translations are taken as they are; approximate
// ones select a superset that the engine re-checks record by record.

// sqlQuery is what both SQL sources share: the compiled pattern and the
// per-row verdict.
type sqlQuery struct {
	t       *sqlpattern.Translation
	matcher *filterpattern.Matcher
}

func newSQLQuery(p *filterpattern.Pattern, d sqlpattern.Dialect) (*sqlQuery, error) {
	t, err := sqlpattern.Translate(p, d)
	if err != nil {
		return nil, err
	}
	m, err := filterpattern.NewMatcher(p)
	if err != nil {
		return nil, err
	}
	return &sqlQuery{t: t, matcher: m}, nil
}

// verdict decides one row rebuilt from the Athena table's columns: sql is
// the query's own verdict on the pattern (false for a row selected only
// for --all-root). ok is false when the row cannot be judged: the
// translation is approximate and the rebuilt record lacks what the engine
// needs, and the engine does not match it.
func (q *sqlQuery) verdict(raw []byte, sql bool) (matched, ok bool) {
	if !sql {
		// The translation selects a superset of the engine's matches:
		// a row it rejects is not a match.
		return false, true
	}
	if q.t.Exact {
		return true, true
	}
	m, judged := q.matcher.Judge(raw)
	if !judged {
		return false, false
	}
	if m || q.t.Rebuildable() {
		return m, true
	}
	return false, false
}

// ParseAthenaURL reads athena://WORKGROUP/DATABASE.TABLE[?partition=timestamp|ymd|none].
func ParseAthenaURL(s string) (workgroup, database, table string, part sqlpattern.Partitioning, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "athena" {
		return "", "", "", 0, fmt.Errorf("%q: want athena://WORKGROUP/DATABASE.TABLE", s)
	}
	workgroup = u.Host
	db, tbl, ok := strings.Cut(strings.TrimPrefix(u.Path, "/"), ".")
	if !ok || workgroup == "" || !validWorkgroup(workgroup) || !sqlpattern.ValidName(db) || !sqlpattern.ValidName(tbl) {
		return "", "", "", 0, fmt.Errorf("%q: want athena://WORKGROUP/DATABASE.TABLE (workgroup: letters, digits, '.', '_', '-'; database and table: letters, digits, '_')", s)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil || u.Fragment != "" || u.User != nil {
		return "", "", "", 0, fmt.Errorf("%q: want athena://WORKGROUP/DATABASE.TABLE[?partition=...]", s)
	}
	for k, v := range q {
		if k != "partition" || len(v) != 1 {
			return "", "", "", 0, fmt.Errorf("%q: the only option is partition=timestamp|ymd|none", s)
		}
	}
	switch p := q.Get("partition"); p {
	case "", "timestamp":
		part = sqlpattern.PartitionTimestamp
	case "none":
		part = sqlpattern.PartitionNone
	case "ymd":
		part = sqlpattern.PartitionYMD
	default:
		return "", "", "", 0, fmt.Errorf("%q: partition=%q: want timestamp (the documented table's projection), ymd (year, month, day) or none", s, p)
	}
	return workgroup, db, tbl, part, nil
}

// ParseLakeURL reads lake://EVENT_DATA_STORE (an ID or an ARN's ID part).
func ParseLakeURL(s string) (string, error) {
	id, ok := strings.CutPrefix(s, "lake://")
	if i := strings.LastIndex(id, "/"); strings.HasPrefix(id, "arn:") && i >= 0 {
		id = id[i+1:]
	}
	if !ok || !sqlpattern.ValidEventDataStore(id) {
		return "", fmt.Errorf("%q: want lake://EVENT_DATA_STORE_ID", s)
	}
	return id, nil
}

// validWorkgroup: Athena workgroup names are 1-128 of [a-zA-Z0-9._-].
func validWorkgroup(s string) bool {
	if len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c == '.' || c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// poller waits between status checks: 250 ms doubling to 5 s.
type poller struct{ n int }

func (p *poller) wait(ctx context.Context, every time.Duration) error {
	d := 250 * time.Millisecond << min(p.n, 5)
	if every > 0 {
		d = every
	}
	d = min(d, 5*time.Second)
	p.n++
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// errUnjudged counts rows an approximate query selected that could not be
// re-checked; it makes the scan partial.
func errUnjudged(n int64, t *sqlpattern.Translation) error {
	var why []string
	for _, r := range t.Reasons {
		if !r.Rebuildable {
			why = append(why, r.Condition+" ("+r.Why+")")
		}
	}
	if len(why) == 0 {
		why = append(why, "the pattern reads a column the rebuilt record does not hold")
	}
	return fmt.Errorf("%d selected records could not be re-checked from the table's columns, so whether they match is unknown: %s", n, strings.Join(why, "; "))
}

var errNoRecordJSON = errors.New("rows without eventjson")
