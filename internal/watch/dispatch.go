package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/store"
)

// dispatcher drains the outbox: claim due rows under a lease, deliver them
// in parallel, record the outcome. It is the only writer of delivery
// outcomes, so an alert is marked sent only after its receiver said yes.
type dispatcher struct {
	store       *store.Store
	notifiers   map[string]notify.Notifier
	enrich      func(context.Context, *alert.Alert)
	owner       string
	lease       time.Duration
	timeout     time.Duration
	backoff     store.Backoff
	parallel    int
	idle        time.Duration // longest sleep between outbox polls
	now         func() time.Time
	m           *metrics
	log         *slog.Logger
	wakeCh      chan struct{}
	quiesceCh   chan struct{}
	quiesceOnce sync.Once
	lastFailure sync.Map // notifier → error text, for /readyz detail
	health      *storeHealth
}

func (d *dispatcher) wake() {
	select {
	case d.wakeCh <- struct{}{}:
	default:
	}
}

// run delivers until ctx is cancelled, or, once quiesce was called, until
// nothing is due and nothing is in flight (graceful shutdown). It keeps up
// to parallel deliveries in flight and claims a new row as soon as one
// finishes, so a receiver that times out holds one slot, not the others'
// alerts. Deliveries in flight when it returns finish first (bounded by
// the notifier timeout), so their outcome is recorded instead of being
// sent again after the lease.
func (d *dispatcher) run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, d.parallel) // one token per delivery in flight
	finished := make(chan struct{}, d.parallel)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		claimed := 0
		// full: every slot is busy, so the next thing worth waking for is
		// a delivery finishing, not the next due row.
		free := d.parallel - len(slots)
		full := free == 0
		if free > 0 && ctx.Err() == nil {
			items, err := d.store.Claim(ctx, d.owner, d.now(), d.lease, free)
			d.health.record(writerOutbox, err)
			if err != nil && ctx.Err() == nil {
				d.log.Error("outbox", "error", err)
			}
			claimed, full = len(items), len(items) == free
			for _, it := range items {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					d.deliver(context.WithoutCancel(ctx), it)
					<-slots
					select {
					case finished <- struct{}{}:
					default:
					}
				}()
			}
		}
		if claimed == 0 && len(slots) == 0 && d.quiescing() {
			return
		}
		wait := d.idle
		if !full {
			if next, ok, err := d.store.NextDue(ctx); err == nil && ok {
				if w := next.Sub(d.now()); w < wait {
					wait = max(w, time.Millisecond)
				}
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
		quiesce := d.quiesceCh
		if d.quiescing() {
			quiesce = nil // already seen; do not spin on the closed channel
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wakeCh:
		case <-finished:
		case <-quiesce:
		case <-timer.C:
		}
	}
}

// quiesce makes run return once the outbox has nothing due and nothing in
// flight.
func (d *dispatcher) quiesce() {
	d.quiesceOnce.Do(func() { close(d.quiesceCh) })
}

func (d *dispatcher) quiescing() bool {
	select {
	case <-d.quiesceCh:
		return true
	default:
		return false
	}
}

func (d *dispatcher) deliver(ctx context.Context, it store.OutboxItem) {
	n, ok := d.notifiers[it.Notifier]
	var err error
	if !ok {
		err = notify.Permanent(fmt.Errorf("notifier %q is not configured any more", it.Notifier))
	} else {
		cctx, cancel := context.WithTimeout(ctx, d.timeout)
		a := it.Alert
		if d.enrich != nil {
			d.enrich(cctx, &a)
		}
		err = n.Notify(cctx, a)
		cancel()
	}
	now := d.now()
	log := d.log.With("alert", it.AlertID, "notifier", it.Notifier, "attempt", it.Attempts+1)
	if err == nil {
		if merr := d.store.MarkSent(ctx, it, now); merr != nil {
			// Delivered but not recorded: it goes out again after the
			// lease (the at-least-once window); receivers dedup by ID.
			log.Error("alert delivered but not recorded as sent", "error", merr)
			return
		}
		d.m.alertsSent.WithLabelValues(it.Notifier).Inc()
		d.m.deliveryDelay.Observe(now.Sub(it.Alert.Created).Seconds())
		d.lastFailure.Delete(it.Notifier)
		log.Info("alert delivered")
		return
	}
	d.m.alertsFailed.WithLabelValues(it.Notifier).Inc()
	d.lastFailure.Store(it.Notifier, err.Error())
	dead, merr := d.store.MarkFailed(ctx, it, now, err, notify.Retryable(err), d.backoff)
	switch {
	case merr != nil && errors.Is(merr, store.ErrLeaseLost):
		log.Warn("alert delivery failed; lease already lost", "error", err)
	case merr != nil:
		log.Error("alert delivery failed and could not be rescheduled", "error", err, "store_error", merr)
	case dead:
		d.m.alertsDead.WithLabelValues(it.Notifier).Inc()
		log.Error("alert delivery failed; moved to dead letter (rootwatch alerts retry)", "error", err)
	default:
		log.Warn("alert delivery failed; will retry", "error", err)
	}
}
