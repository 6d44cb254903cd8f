package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/sqlduck"
)

// TestScanAthenaAndLake: `scan athena://` and `scan lake://` through the
// real binary and AWS_ENDPOINT_URL. The emulator runs the queries on
// DuckDB when this test is built with -tags duckdb; without it every
// query fails and the scan must say so (exit 4), never report clean.
// A denied StartQueryExecution names the permission.
func TestScanAthenaAndLake(t *testing.T) {
	t.Parallel()
	c := awsfakeWithAccount()
	e := newEnv(t, c)
	var recs []sqlduck.Record
	for _, ev := range []map[string]any{
		trailEvent("e-root-login", "Root", "ConsoleLogin", "AwsConsoleSignIn", ""),
		trailEvent("e-root-invoked", "Root", "GetBucketAcl", "AwsApiCall", "cloudtrail.amazonaws.com"),
		trailEvent("e-root-service", "Root", "AssumeRole", "AwsServiceEvent", ""),
		trailEvent("e-alice", "IAMUser", "ConsoleLogin", "AwsConsoleSignIn", ""),
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, sqlduck.Record{JSON: b, Day: "2026/11/30"})
	}
	e.emu.Queries.PutTable(mgmt, home, "cloudtrail", "logs", recs...)
	e.emu.Queries.PutEventDataStore(mgmt, home, "eds-0001", recs...)
	for _, src := range []string{"athena://primary/cloudtrail.logs", "lake://eds-0001"} {
		r := e.run("scan", "--format", "jsonl", "--since", "2026-11-01", src)
		if !sqlduck.Available {
			if r.code != 4 || !strings.Contains(r.stdout+r.stderr, "no SQL engine") {
				t.Errorf("%s without an engine: want exit 4 saying so\n%s", src, r)
			}
			continue
		}
		if r.code != 3 || !strings.Contains(r.stdout, "e-root-login") {
			t.Errorf("%s: want exit 3 reporting e-root-login\n%s", src, r)
		}
		for _, id := range []string{"e-alice", "e-root-invoked", "e-root-service"} {
			if strings.Contains(r.stdout, `"`+id+`"`) {
				t.Errorf("%s: %s reported:\n%s", src, id, r)
			}
		}
	}
	c.Deny(mgmt, "athena:StartQueryExecution")
	if r := e.run("scan", "athena://primary/cloudtrail.logs"); r.code != 4 || !strings.Contains(r.stdout+r.stderr, "athena:StartQueryExecution") {
		t.Errorf("denied: want exit 4 naming athena:StartQueryExecution\n%s", r)
	}
}
