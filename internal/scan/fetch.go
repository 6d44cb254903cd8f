package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

// DefaultFetchConcurrency is how many remote objects a scan reads at
// once. A GET costs a round trip (tens of milliseconds on S3) and a
// CloudTrail log file a millisecond or two to decode: with one fetch per
// decoder, the scan would wait on the network almost all the time.
const DefaultFetchConcurrency = 64

// DefaultFetchMemory bounds the fetched bytes held for the decoders.
// CloudTrail log files are a few KiB to a few MiB compressed.
const DefaultFetchMemory = 256 << 20

// maxFetchedObject is the largest object read ahead into memory; larger
// ones (rare: not CloudTrail's own files) stream through the decoder.
const maxFetchedObject = 32 << 20

// startFetch reads remote units ahead of the decoders on
// cfg.FetchConcurrency goroutines and passes every unit on to out, which
// it closes when in is drained. The bytes held between fetch and decode
// are bounded by cfg.FetchMemory: a fetcher waits for decoders to
// release memory before it starts a GET.
func startFetch(ctx context.Context, g *errgroup.Group, cfg Config, in <-chan Unit, out chan<- Unit) {
	n := cfg.FetchConcurrency
	if n <= 0 {
		n = DefaultFetchConcurrency
	}
	budget := cfg.FetchMemory
	if budget <= 0 {
		budget = DefaultFetchMemory
	}
	limit := min(budget, maxFetchedObject)
	mem := semaphore.NewWeighted(budget)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			for u := range in {
				if u.Remote && u.Open != nil && u.Err == nil && u.Size >= 0 && u.Size <= limit {
					weight := max(u.Size, 1)
					if err := mem.Acquire(ctx, weight); err != nil {
						return err
					}
					u = fetchUnit(ctx, u)
					if ctx.Err() != nil {
						mem.Release(weight)
						return ctx.Err()
					}
					u.release = func() { mem.Release(weight) }
				}
				select {
				case out <- u:
				case <-ctx.Done():
					if u.release != nil {
						u.release()
					}
					return ctx.Err()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		wg.Wait()
		close(out)
		return nil
	})
}

// fetchUnit reads u whole; the unit it returns opens the bytes read, or
// carries the error (which names the object) for the decoder to report.
func fetchUnit(ctx context.Context, u Unit) Unit {
	rc, err := u.Open(ctx)
	if err != nil {
		u.Err = err
		return u
	}
	buf := bytes.NewBuffer(make([]byte, 0, u.Size+bytes.MinRead))
	_, err = buf.ReadFrom(rc)
	_ = rc.Close() // read-only: nothing to lose
	if err != nil {
		u.Err = fmt.Errorf("read %s: %w", u.Name, err)
		return u
	}
	body := buf.Bytes()
	u.Open = func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(body)), nil
	}
	return u
}
