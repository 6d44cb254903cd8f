package fix_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
)

// benchmarkApply fixes an organization of n accounts, each with its own
// broken chain, over a fake AWS whose every call takes latency; it
// measures the apply (plan and journal included in setup).
func benchmarkApply(b *testing.B, n, concurrency int, latency time.Duration) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		c := awsfake.New()
		for i := range n {
			id := fmt.Sprintf("%012d", 100000000000+i)
			c.AddAccount(id, id)
			c.AddCISChain(id, "us-east-1", false)
			c.Edit(func(c *awsfake.Cloud) {
				r := c.Accounts[id].Region("us-east-1")
				delete(r.LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
				delete(r.Alarms, cis.AlarmName)
			})
		}
		c.SetOrganization("o-bench", "100000000000")
		snap, err := awsread.Collect(ctx, c.Dialer("100000000000"), awsread.Options{Org: true, Regions: []string{"us-east-1"}, Retry: awsread.Retry{Attempts: 1}})
		if err != nil {
			b.Fatal(err)
		}
		v := fix.Verdicts(auditEvaluate(snap))
		plan, _ := fix.PlanChanges(ctx, c.WriteDialer(), snap, v, fix.Options{})
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "j.db"))
		if err != nil {
			b.Fatal(err)
		}
		j, _ := store.OpenJournal(ctx, s, nil)
		run, _ := j.StartRun(ctx, "fix", "")
		c.Latency = latency
		b.StartTimer()
		res, err := (&fix.Applier{Dialer: c.WriteDialer(), Recorder: run, Concurrency: concurrency}).Apply(ctx, plan)
		b.StopTimer()
		if err != nil || res.Failed() > 0 {
			b.Fatalf("apply: %v\n%s", err, res.Summary())
		}
		_ = s.Close()
		b.StartTimer()
	}
}

func BenchmarkApply50Accounts5msConcurrency4(b *testing.B) {
	benchmarkApply(b, 50, 4, 5*time.Millisecond)
}
func BenchmarkApply50Accounts5msConcurrency16(b *testing.B) {
	benchmarkApply(b, 50, 16, 5*time.Millisecond)
}
