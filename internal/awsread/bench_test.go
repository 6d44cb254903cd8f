package awsread_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
)

// BenchmarkOrganizationAudit audits an organization of 1,000 accounts,
// every one with the 17 default regions enabled, over fakes where every
// AWS call takes 50 ms. The management account owns the organization
// trail and the CIS chain; one member in ten also has its own chain.
// Target: under 2 minutes and 300 MB.
//
//	go test -run '^$' -bench OrganizationAudit -benchtime 1x ./internal/awsread/
func BenchmarkOrganizationAudit(b *testing.B) {
	const accounts = 1000
	c := awsfake.New()
	mgmt := "100000000000"
	c.AddAccount(mgmt, "management")
	for i := 1; i < accounts; i++ {
		id := fmt.Sprintf("%012d", 100000000000+i)
		c.AddAccount(id, fmt.Sprintf("member-%d", i))
		if i%10 == 0 {
			c.AddCISChain(id, "us-east-1", false)
		}
	}
	c.SetOrganization("o-bench", mgmt)
	c.AddCISChain(mgmt, "eu-west-1", true)
	c.Latency = 50 * time.Millisecond

	for _, conc := range []int{16, 64} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) { benchAudit(b, c, mgmt, accounts, conc) })
	}
}

func benchAudit(b *testing.B, c *awsfake.Cloud, mgmt string, accounts, conc int) {
	for b.Loop() {
		peak := samplePeakHeap(b)
		start := time.Now()
		snap, err := awsread.Collect(context.Background(), c.Dialer(mgmt), awsread.Options{Org: true, Concurrency: conc})
		if err != nil {
			b.Fatal(err)
		}
		rep := audit.Evaluate(snap)
		elapsed := time.Since(start)
		heap := peak()
		if rep.Summary.Pass != accounts {
			b.Fatalf("summary = %+v, want every account to pass", rep.Summary)
		}
		b.ReportMetric(elapsed.Seconds(), "s/audit")
		b.ReportMetric(float64(heap)/(1<<20), "MB-peak-heap")
		b.ReportMetric(elapsed.Seconds()/120, "fraction-of-2min")
	}
}

// samplePeakHeap samples the heap in use until the returned function is
// called, which stops the sampler and returns the peak.
func samplePeakHeap(b *testing.B) func() uint64 {
	b.Helper()
	var (
		mu   sync.Mutex
		peak uint64
		wg   sync.WaitGroup
	)
	stop := make(chan struct{})
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.HeapInuse)
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		wg.Wait()
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
