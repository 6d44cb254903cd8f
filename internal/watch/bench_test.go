package watch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/secret"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// realisticEvent is an ordinary CloudTrail record of about 1.3 KB (an
// assumed-role API call with session context, request parameters and a
// TLS block), the bulk of what a service reads.
func realisticEvent(r *rand.Rand, i int, at time.Time) string {
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE%06d:session-%d","arn":"arn:aws:sts::111122223333:assumed-role/App-%d/session-%d","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE%08d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE%06d","arn":"arn:aws:iam::111122223333:role/App-%d","accountId":"111122223333","userName":"App-%d"},"attributes":{"creationDate":"%s","mfaAuthenticated":"false"}}},"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","sourceIPAddress":"10.%d.%d.%d","userAgent":"aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.160.0","requestParameters":{"instancesSet":{},"filterSet":{"items":[{"name":"tag:Environment","valueSet":{"items":[{"value":"production"}]}}]},"maxResults":1000},"responseElements":null,"requestID":"%08x-0000-4000-8000-%012x","eventID":"bench-%d","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}}`,
		i%1000, i, i%50, i, i, i%1000, i%50, i%50, at.Format(time.RFC3339), at.Format(time.RFC3339),
		r.IntN(256), r.IntN(256), r.IntN(256), r.Uint32(), i, i)
}

// BenchmarkPipeline measures events per second through the pipeline
// (decode the batch as the sources do, detect, dedup, session state,
// outbox) on a SQLite store, 100 records per batch (a CloudTrail file), 1%
// root. Run with -cpu 1 for the per-core figure.
func BenchmarkPipeline(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{{Name: "n", Notifier: nopNotifier{}}},
		Logger: testLogger(b), TickEvery: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	const perBatch = 100
	// Pre-build S3 log files so the benchmark times the service, not the
	// generator.
	files := make([][]byte, 64)
	for f := range files {
		recs := make([]string, perBatch)
		for i := range recs {
			n := f*perBatch + i
			if n%100 == 37 {
				recs[i] = rootEvent(fmt.Sprint("root-", n), fmt.Sprintf("203.0.%d.%d", n/256%256, n%256), now)
			} else {
				recs[i] = realisticEvent(r, n, now)
			}
		}
		files[f] = []byte(`{"Records":[` + strings.Join(recs, ",") + `]}`)
	}
	var bytesPerFile int
	for _, f := range files {
		bytesPerFile += len(f)
	}
	bytesPerFile /= len(files)
	sink := svc.Sink()
	b.SetBytes(int64(bytesPerFile))
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := range b.N {
		body := files[i%len(files)]
		// Later rounds over the same files carry new event IDs so every
		// root event is new work (dedup would otherwise skip it).
		if i >= len(files) {
			b.StopTimer()
			body = bytes.ReplaceAll(body, []byte(`"eventID":"root-`), fmt.Appendf(nil, `"eventID":"r%d-`, i))
			b.StartTimer()
		}
		err := sink.Deliver(ctx, source.Batch{Source: "bench", Name: "file", Received: now,
			Records: recordsOf(body)})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*perBatch)/sec, "events/s")
	// CPU seconds include the benchmark's own ID rewriting, so this is a
	// lower bound of events per CPU-second; the wall figure waits on fsync.
	b.ReportMetric(float64(b.N*perBatch)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// recordsOf walks an S3 log file's records the way sources do, through the
// cloudtrail decoder (via a directory-source-shaped reader).
func recordsOf(body []byte) func(func([]byte) error) error {
	return func(fn func([]byte) error) error {
		return decodeForBench(body, fn)
	}
}

// BenchmarkDeliveryDelay drives the running service at 1,000 events/s (1%
// root, each root event a new session) through the HTTP ingest source, as
// EventBridge API destinations deliver them, and measures the delay from
// posting an event to the webhook receiving its alert. Each iteration is
// one second of load; run with -benchtime=10x.
func BenchmarkDeliveryDelay(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var (
		mu      sync.Mutex
		sent    = map[string]time.Time{}
		delays  []time.Duration
		arrived = make(chan struct{}, 100000)
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, "bad", 400)
			return
		}
		now := time.Now()
		mu.Lock()
		for _, id := range p.EventIDs {
			if t, ok := sent[id]; ok {
				delays = append(delays, now.Sub(t))
				delete(sent, id)
			}
		}
		mu.Unlock()
		arrived <- struct{}{}
	}))
	defer recv.Close()
	n, err := webhook.New(webhook.Config{URL: secret.Secret(recv.URL)}, webhook.Deps{})
	if err != nil {
		b.Fatal(err)
	}
	src, err := source.NewHTTP(source.HTTPConfig{Addr: "127.0.0.1:0", Path: "/ingest", Secret: "bench-secret"})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := watch.New(ctx, watch.Options{Store: st, Sources: []source.Source{src},
		Targets: []watch.Target{{Name: "webhook", Notifier: n}}, Logger: testLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	start(b, svc)
	url := "http://" + src.Addr() + "/ingest"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	r := rand.New(rand.NewPCG(3, 4))
	post := func(body string) {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("X-Rootwatch-Secret", "bench-secret")
		resp, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Errorf("ingest status %d", resp.StatusCode)
		}
	}
	eb := func(rec string) string {
		return `{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"111122223333","time":"2026-12-01T10:00:00Z","region":"eu-west-1","resources":[],"detail":` + rec + `}`
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	roots := 0
	b.ResetTimer()
	seq := 0
	for range b.N {
		// 1,000 events paced over one second.
		begin := time.Now()
		for i := range 1000 {
			seq++
			var rec string
			if i%100 == 0 {
				id := fmt.Sprint("lat-", seq)
				rec = rootEvent(id, fmt.Sprintf("198.18.%d.%d", seq/256%256, seq%256), time.Now())
				mu.Lock()
				sent[id] = time.Now()
				mu.Unlock()
				roots++
			} else {
				rec = realisticEvent(r, seq, time.Now())
			}
			body := eb(rec)
			sem <- struct{}{}
			wg.Add(1)
			go func() { defer wg.Done(); defer func() { <-sem }(); post(body) }()
			if d := time.Until(begin.Add(time.Duration(i+1) * time.Millisecond)); d > 0 {
				time.Sleep(d) // pacing the load generator, not synchronising a test
			}
		}
	}
	wg.Wait()
	deadline := time.After(30 * time.Second)
	for {
		mu.Lock()
		got := len(delays)
		mu.Unlock()
		if got >= roots {
			break
		}
		select {
		case <-arrived:
		case <-deadline:
			b.Fatalf("only %d of %d root alerts arrived", got, roots)
		}
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(delays)
	pct := func(p float64) float64 {
		return float64(delays[min(len(delays)-1, int(p*float64(len(delays))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(delays[len(delays)-1].Microseconds())/1000, "max-ms")
}
