package sqlpattern

import (
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/filterpattern"
)

func translate(t *testing.T, src string, d Dialect) *Translation {
	t.Helper()
	p, err := filterpattern.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	tr, err := Translate(p, d)
	if err != nil {
		t.Fatalf("Translate(%q, %s): %v", src, d, err)
	}
	return tr
}

func TestTranslate(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		dialect Dialect
		exact   bool
		where   string
	}{
		{"CIS 4.3 athena", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`, Athena, true,
			`"useridentity"."type" = 'Root' AND "useridentity"."invokedby" IS NULL AND "eventtype" <> 'AwsServiceEvent'`},
		{"CIS 4.3 lake", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`, Lake, true,
			`"useridentity"."type" = 'Root' AND "useridentity"."invokedby" IS NULL AND "eventtype" <> 'AwsServiceEvent'`},
		{"quote in a value", `{ $.eventName = "a'b" }`, Trino, true, `"eventname" = 'a''b'`},
		{"star alone", `{ $.errorCode = "*" }`, Athena, true, `"errorcode" IS NOT NULL`},
		{"not star", `{ $.errorCode != "*" }`, Athena, true, `FALSE`},
		{"wildcard", `{ $.errorCode = "Access*Denied" }`, DuckDB, false,
			`"errorcode" IS NOT NULL AND starts_with("errorcode", 'Access') AND strpos("errorcode", 'Denied') > 0`},
		{"IS NULL", `{ $.errorCode IS NULL }`, Athena, false, `"errorcode" IS NULL`},
		{"number on text", `{ $.eventVersion > 1.05 }`, Athena, false, `TRY_CAST("eventversion" AS DOUBLE) > DOUBLE '1.05'`},
		{"unknown field", `{ $.useridentity.type = "Root" }`, Athena, false, `TRUE`},
		{"unknown field under and", `{ $.eventName = "X" && $.nope = 1 }`, Athena, false, `"eventname" = 'X'`},
		{"unknown field under or", `{ $.eventName = "X" || $.nope = 1 }`, Athena, false, `TRUE`},
		{"readOnly", `{ $.readOnly IS TRUE }`, Athena, true, `"readonly" = 'true'`},
		{"readOnly lake", `{ $.readOnly IS FALSE }`, Lake, true, `"readonly" = FALSE`},
		{"request parameters athena", `{ $.requestParameters.bucketName = "b" }`, Athena, false,
			`json_extract_scalar("requestparameters", '$["bucketName"]') = 'b'`},
		{"request parameters lake", `{ $.requestParameters.bucketName = "b" }`, Lake, false,
			`element_at("requestparameters", 'bucketName') = 'b'`},
		{"eventTime on lake", `{ $.eventTime = "2026-01-01T00:00:00Z" }`, Lake, false, `TRUE`},
		{"regex", `{ $.userAgent = %curl% }`, Athena, false, `"useragent" IS NOT NULL`},
		{"resources any", `{ $.resources[*].ARN = "arn:x" }`, Trino, true, `any_match("resources", x -> x."arn" = 'arn:x')`},
		{"resources index", `{ $.resources[1].type = "AWS::S3::Bucket" }`, DuckDB, true, `"resources"[2]."type" = 'AWS::S3::Bucket'`},
		{"struct not exists", `{ $.userIdentity.sessionContext NOT EXISTS }`, Athena, true, `"useridentity"."sessioncontext" IS NULL`},
		{"terms", `ERROR`, Athena, false, `TRUE`},
		{"or under and", `{ $.eventSource = "kms.amazonaws.com" && ($.eventName = "A" || $.eventName = "B") }`, Athena, true,
			`"eventsource" = 'kms.amazonaws.com' AND ("eventname" = 'A' OR "eventname" = 'B')`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := translate(t, tc.pattern, tc.dialect)
			if tr.Exact != tc.exact {
				t.Errorf("Exact = %v, want %v (reasons %+v)", tr.Exact, tc.exact, tr.Reasons)
			}
			if tr.Exact != (len(tr.Reasons) == 0) {
				t.Errorf("Exact = %v with %d reasons", tr.Exact, len(tr.Reasons))
			}
			if tr.Where != tc.where {
				t.Errorf("Where =\n%s\nwant\n%s", tr.Where, tc.where)
			}
		})
	}
}

func TestRebuildable(t *testing.T) {
	tests := []struct {
		pattern string
		dialect Dialect
		want    bool
	}{
		{`{ $.errorCode = "Access*" }`, Athena, true},
		{`{ $.errorCode IS NULL }`, Athena, false},
		{`{ $.errorCode IS NULL }`, Lake, true},
		{`{ $.resources[0].ARN = "x" && $.errorCode = "A*" }`, Athena, false},
		{`{ $.additionalEventData.MFAUsed != "Yes" }`, Athena, true},
	}
	for _, tc := range tests {
		if got := translate(t, tc.pattern, tc.dialect).Rebuildable(); got != tc.want {
			t.Errorf("%s on %s: Rebuildable = %v, want %v", tc.pattern, tc.dialect, got, tc.want)
		}
	}
}

// A line break in a pattern value must not end the comment that carries
// the reason.
func TestTextKeepsCommentsOnOneLine(t *testing.T) {
	tr := translate(t, "{ $.userAgent = \"a\\\"\n DROP TABLE x; --*\" }", Athena)
	head, ok := strings.CutSuffix(tr.Text(), tr.Where+"\n")
	if !ok {
		t.Fatalf("Text does not end with the WHERE clause:\n%s", tr.Text())
	}
	for _, line := range strings.Split(strings.TrimSuffix(head, "\n"), "\n") {
		if !strings.HasPrefix(line, "--") {
			t.Errorf("line outside a comment: %q", line)
		}
	}
}

func TestQueryWindow(t *testing.T) {
	since := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	until := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	tr := translate(t, `{ $.eventName = "X" }`, Athena)
	tests := []struct {
		part Partitioning
		want []string
	}{
		{PartitionTimestamp, []string{`"timestamp" >= '2026/02/28'`, `"timestamp" <= '2026/03/09'`}},
		{PartitionYMD, []string{`("year" > '2026' OR ("year" = '2026' AND ("month" > '02' OR ("month" = '02' AND "day" >= '28'))))`,
			`("year" < '2026' OR ("year" = '2026' AND ("month" < '03' OR ("month" = '03' AND "day" <= '09'))))`}},
		{PartitionNone, nil},
	}
	for _, tc := range tests {
		q := tr.Query(QueryOptions{Table: TableRef("d", "t"), Since: since, Until: until, Partition: tc.part})
		for _, w := range tc.want {
			if !strings.Contains(q, w) {
				t.Errorf("partition %d: query lacks %s\n%s", tc.part, w, q)
			}
		}
		if tc.part == PartitionNone && (strings.Contains(q, "timestamp") || strings.Contains(q, `"year"`)) {
			t.Errorf("no partition, yet:\n%s", q)
		}
	}
	lake := translate(t, `{ $.eventName = "X" }`, Lake).Query(QueryOptions{Table: "eds", Since: since, Until: until, AlsoRoot: true})
	for _, w := range []string{"eventtime >= '2026-03-01 11:59:59'", "eventtime <= '2026-03-08 00:00:01'", `OR "useridentity"."type" = 'Root'`} {
		if !strings.Contains(lake, w) {
			t.Errorf("Lake query lacks %s\n%s", w, lake)
		}
	}
}
