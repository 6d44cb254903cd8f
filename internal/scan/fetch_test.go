package scan

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// gatedS3 is a bucket whose GETs wait at a gate the test opens: a GET in
// flight is one that called GetObject and has not returned. The test runs
// in a synctest bubble, so "every goroutine of the scan is blocked" is a
// barrier it can wait for (synctest.Wait) without sleeping or guessing a
// timeout: at that point no further GET can start until the gate opens,
// and the number waiting is exactly what the pipeline keeps in flight.
type gatedS3 struct {
	fakeS3
	gmu      sync.Mutex
	waiting  []chan struct{}
	inFlight int
	peak     int
}

func (g *gatedS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	ch := make(chan struct{})
	g.gmu.Lock()
	g.inFlight++
	g.peak = max(g.peak, g.inFlight)
	g.waiting = append(g.waiting, ch)
	g.gmu.Unlock()
	defer func() {
		g.gmu.Lock()
		g.inFlight--
		g.gmu.Unlock()
	}()
	select {
	case <-ch:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.fakeS3.GetObject(ctx, in, opts...)
}

// release opens the gate for every GET waiting and returns how many there
// were.
func (g *gatedS3) release() int {
	g.gmu.Lock()
	defer g.gmu.Unlock()
	n := len(g.waiting)
	for _, ch := range g.waiting {
		close(ch)
	}
	g.waiting = nil
	return n
}

// gzLog is a gzip'd S3 log file holding one root event; every file has
// the same size (the ID is fixed-width), so a memory budget counts files.
func gzLog(t *testing.T, i int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	fmt.Fprintf(zw, `{"Records":[%s]}`, rootRecord(fmt.Sprintf("ev-%06d", i)))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFetchConcurrencyBound: GETs overlap up to --fetch-concurrency, never
// more, and the fetched bytes waiting for a decoder stay within
// FetchMemory. At every barrier the scan keeps exactly the bound in
// flight (min of the bound and what is left), which proves both that the
// bound holds and that the stage really overlaps requests.
func TestFetchConcurrencyBound(t *testing.T) {
	const objects = 50
	tests := []struct {
		name          string
		fetch, memory int // memory in files; 0: the default budget
		want          int // GETs in flight at each barrier
	}{
		{"concurrency bound", 7, 0, 7},
		{"one at a time", 1, 0, 1},
		{"memory bound below the concurrency", 16, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				objs := map[string][]byte{}
				size := 0
				for i := range objects {
					body := gzLog(t, i)
					size = len(body)
					objs[fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2024/06/02/f%03d.json.gz", i)] = body
				}
				fake := &gatedS3{fakeS3: fakeS3{objects: objs, page: 9}}
				cfg := cisConfig(false)
				cfg.FetchConcurrency = tt.fetch
				if tt.memory > 0 {
					cfg.FetchMemory = int64(tt.memory * size)
				}
				var res *Result
				var err error
				done := make(chan struct{})
				go func() {
					defer close(done)
					res, err = Run(t.Context(), cfg, []Source{&S3{Client: fake, Bucket: "b", Retry: noWait, ListConcurrency: 3}})
				}()
				left := objects
				for rounds := 0; ; rounds++ {
					synctest.Wait() // every goroutine of the scan is blocked
					select {
					case <-done:
					default:
						n := fake.release()
						if want := min(tt.want, left); n != want {
							t.Fatalf("round %d: %d GETs in flight with %d objects left, want %d", rounds, n, left, want)
						}
						left -= n
						continue
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if left != 0 || res.Stats.Units != objects || res.Stats.Matches != objects || res.Partial() {
					t.Errorf("left %d, units %d, matches %d, problems %+v; want every one of %d objects read", left, res.Stats.Units, res.Stats.Matches, res.Problems, objects)
				}
				if fake.peak != tt.want {
					t.Errorf("peak %d GETs in flight, want %d", fake.peak, tt.want)
				}
			})
		})
	}
}

// failingS3 fails GETs of chosen keys for good: SlowDown (HTTP 503, on
// every attempt, so retries run out) or AccessDenied.
type failingS3 struct {
	fakeS3
	fail map[string]string // key → error code
}

func (f *failingS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if code, ok := f.fail[aws.ToString(in.Key)]; ok {
		return nil, apiErr(code)
	}
	return f.fakeS3.GetObject(ctx, in, opts...)
}

// TestFetchFailureNamesTheObject: an object whose GET is throttled past
// the retries or denied is a problem naming that object (bucket and
// key), the scan is partial (exit 4, never "nothing found"), and every
// other object is still read, its findings reported.
func TestFetchFailureNamesTheObject(t *testing.T) {
	objs := sampleBucket(t, "")
	// The clean scan: which object holds which findings.
	clean, err := Run(context.Background(), cisConfig(false), []Source{&S3{Client: &fakeS3{objects: objs, page: 4}, Bucket: "trail-bucket", Retry: noWait}})
	if err != nil || clean.Partial() || clean.Stats.Matches == 0 {
		t.Fatalf("clean scan: %v, %+v", err, clean)
	}
	var withFindings []string
	for _, f := range clean.Findings {
		key := strings.TrimPrefix(f.Where[:strings.LastIndex(f.Where, "@")], "s3://trail-bucket/")
		if !slices.Contains(withFindings, key) {
			withFindings = append(withFindings, key)
		}
	}
	slices.Sort(withFindings)
	if len(withFindings) < 2 {
		t.Fatalf("the sample has findings in %d objects; the test needs two", len(withFindings))
	}
	tests := []struct {
		name, code, msg string
	}{
		{"throttled past retries", "SlowDown", "still throttled after 8 attempts"},
		{"denied", "AccessDenied", "access denied: grant s3:GetObject on arn:aws:s3:::trail-bucket/*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := withFindings[0]
			fake := &failingS3{fakeS3: fakeS3{objects: objs, page: 4}, fail: map[string]string{bad: tt.code}}
			res, err := Run(context.Background(), cisConfig(false), []Source{&S3{Client: fake, Bucket: "trail-bucket", Retry: noWait}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Partial() || len(res.Problems) != 1 {
				t.Fatalf("problems %+v, want exactly one: the failed object", res.Problems)
			}
			p := res.Problems[0]
			name := "s3://trail-bucket/" + bad
			if p.Where != name || !strings.Contains(p.Msg, name) || !strings.Contains(p.Msg, tt.msg) || !strings.Contains(p.Msg, tt.code) {
				t.Errorf("problem %+v: want it at %s, naming it and saying %q (%s)", p, name, tt.msg, tt.code)
			}
			// Every other object was read: the findings are the clean
			// scan's less those of the failed object.
			var want, got []string
			for _, f := range clean.Findings {
				if !strings.HasPrefix(f.Where, name+"@") {
					want = append(want, f.EventID)
				}
			}
			for _, f := range res.Findings {
				got = append(got, f.EventID)
			}
			if !slices.Equal(got, want) || len(want) == 0 {
				t.Errorf("findings %v, want %v (the clean scan's without %s)", got, want, bad)
			}
			if res.Stats.Units != clean.Stats.Units-1 {
				t.Errorf("%d units decoded, want %d: all but the failed object", res.Stats.Units, clean.Stats.Units-1)
			}
			if got := slices.Index(fake.gotten, bad); got >= 0 {
				t.Errorf("the failed object was read")
			}
			if n := len(fake.gotten); n != int(clean.Stats.Units)-1 {
				t.Errorf("%d objects read, want %d", n, clean.Stats.Units-1)
			}
		})
	}
}
