package watch

import (
	"context"
	"errors"
	"sync"
)

// storeHealth remembers the outcome of the last store write of each
// writer (batches, periodic work, the outbox). Ready means able to record:
// a store that answers pings but fails every transaction (corrupt, full,
// read-only) must take the replica out of service, or a load balancer
// keeps sending it input that is then refused. Writers are kept apart so
// that one that still works (claiming outbox rows) cannot hide another
// that fails (recording batches).
type storeHealth struct {
	mu   sync.Mutex
	errs map[string]error
}

// Writers whose outcome readiness follows.
const (
	writerBatch  = "batch"
	writerTick   = "periodic"
	writerOutbox = "outbox"
)

// record notes the outcome of a write by writer. A shutdown cancelling the
// write says nothing about the store.
func (h *storeHealth) record(writer string, err error) {
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.errs == nil {
		h.errs = map[string]error{}
	}
	h.errs[writer] = err
}

// failing is the error of a writer whose last write failed; nil when every
// writer's last write succeeded (or none wrote yet).
func (h *storeHealth) failing() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, w := range []string{writerBatch, writerTick, writerOutbox} {
		if err := h.errs[w]; err != nil {
			return err
		}
	}
	return nil
}
