package awsemu_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/scan"
	"github.com/rootwatch/rootwatch/internal/sqlduck"
)

// ctgenRecords reads the engine's committed ctgen sample.
func ctgenRecords(t *testing.T) [][]byte {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "filterpattern", "testdata", "ctgen", "events.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}

// TestSQLScansOverTheWire runs scan's athena:// and lake:// sources
// through the SDK against the emulator. With the duckdb tag the queries
// run on DuckDB and the findings equal a local scan's; without it every
// query fails, and the scan says so: partial, never clean.
func TestSQLScansOverTheWire(t *testing.T) {
	recs := ctgenRecords(t)
	s := awsemu.New(newCloud())
	s.Queries.PageSize = 7 // results page over the wire
	var in []sqlduck.Record
	for _, r := range recs {
		in = append(in, sqlduck.Record{JSON: r, Day: "2026/01/01"})
	}
	s.Queries.PutTable(mgmt, home, "cloudtrail", "logs", in...)
	s.Queries.PutEventDataStore(mgmt, home, "eds-0001", in...)
	cfg := config(start(t, s), "AKIA"+mgmt)

	m := filterpattern.MustCompile(cis.RootUsagePattern)
	want := 0
	for _, r := range recs {
		if m.Match(r) {
			want++
		}
	}
	for _, src := range []scan.Source{
		&scan.Athena{Client: athena.NewFromConfig(cfg), Workgroup: "primary", Database: "cloudtrail", Table: "logs", Pattern: m.Pattern(), PollEvery: time.Millisecond},
		&scan.Lake{Client: cloudtrail.NewFromConfig(cfg), EventDataStore: "eds-0001", Pattern: m.Pattern(), PollEvery: time.Millisecond},
	} {
		t.Run(src.String(), func(t *testing.T) {
			res, err := scan.Run(context.Background(), scan.Config{Matcher: m, Workers: 2}, []scan.Source{src})
			if err != nil {
				t.Fatal(err)
			}
			if !sqlduck.Available {
				if !res.Partial() || !strings.Contains(res.Problems[0].Msg, "no SQL engine") {
					t.Fatalf("without an engine: problems %+v, want the query's failure", res.Problems)
				}
				return
			}
			if res.Partial() || int(res.Stats.Matches) != want || want == 0 {
				t.Fatalf("matches %d (want %d), problems %+v", res.Stats.Matches, want, res.Problems)
			}
		})
	}
}

// An unknown event data store is Lake's own error.
func TestLakeUnknownStore(t *testing.T) {
	s := awsemu.New(newCloud())
	cfg := config(start(t, s), "AKIA"+mgmt)
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	res, err := scan.Run(context.Background(), scan.Config{Matcher: m}, []scan.Source{
		&scan.Lake{Client: cloudtrail.NewFromConfig(cfg), EventDataStore: "nope", Pattern: m.Pattern(), PollEvery: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial() || !strings.Contains(res.Problems[0].Msg, "EventDataStoreNotFound") {
		t.Fatalf("problems %+v", res.Problems)
	}
}
