//go:build duckdb

package sqlduck

import (
	"context"
	"testing"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

const cis43 = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`

// benchRecords repeats the corpus to about 40,000 records.
func benchRecords(b *testing.B) []Record {
	base := corpus(b)
	var out []Record
	for len(out) < 40000 {
		for _, r := range base {
			out = append(out, Record{JSON: r, Day: "2026/01/01"})
		}
	}
	return out
}

// BenchmarkCIS43 compares, on one corpus and in one run, what one record
// costs the engine (one core), DuckDB's query over the loaded Athena
// layout (all cores), and loading it. Read the ratios: ns/record.
func BenchmarkCIS43(b *testing.B) {
	recs := benchRecords(b)
	m := filterpattern.MustCompile(cis43)
	b.Run("engine", func(b *testing.B) {
		n := 0
		for b.Loop() {
			for _, r := range recs {
				if ok, _ := m.Judge(r.JSON); ok {
					n++
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
	})
	tr, err := sqlpattern.Translate(m.Pattern(), sqlpattern.DuckDB)
	if err != nil {
		b.Fatal(err)
	}
	db, err := Open(context.Background(), Table{Schema: "ct", Name: "logs"}, recs)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Run("duckdb-query", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Query(context.Background(), `SELECT count(*) FROM "ct"."logs" WHERE `+tr.Where); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
	})
	b.Run("duckdb-load", func(b *testing.B) {
		for b.Loop() {
			d, err := Open(context.Background(), Table{Schema: "ct", Name: "logs"}, recs)
			if err != nil {
				b.Fatal(err)
			}
			_ = d.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
	})
}
