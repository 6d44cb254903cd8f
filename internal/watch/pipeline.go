package watch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// Modes of alerting on root usage (tamper alerts are always per session).
const (
	ModeEvent = "event"
	ModeAlarm = "alarm"
)

// batchTimeout bounds one batch's transaction.
const batchTimeout = time.Minute

// pipeline is the source.Sink: detection, dedup and the outbox, one
// transaction per batch.
type pipeline struct {
	store   *store.Store
	det     *detect.Detector
	mode    string
	group   detect.GroupPolicy
	alarm   detect.AlarmPolicy
	targets []Target
	now     func() time.Time
	m       *metrics
	log     *slog.Logger
	wake    func()
	health  *storeHealth
}

var _ source.Sink = (*pipeline)(nil)

func (p *pipeline) Checkpoint(ctx context.Context, name string) (string, bool, error) {
	return p.store.Checkpoint(ctx, name)
}

func (p *pipeline) Checkpoints(ctx context.Context, prefix string) (map[string]string, error) {
	return p.store.CheckpointsWithPrefix(ctx, prefix)
}

// Deliver implements source.Sink. Once the records are read the
// transaction runs to its end even if ctx is cancelled (shutdown), so a
// batch that was read is recorded rather than read again.
func (p *pipeline) Deliver(ctx context.Context, b source.Batch) error {
	var (
		col detect.Collector // bounded work per batch: the rest is counted
		n   int
		// Records no rule could judge (not well-formed JSON): counted,
		// and the batch's input becomes an unreadable-input alert.
		unjudged int
		firstBad error
	)
	err := b.Records(func(raw []byte) error {
		n++
		ms, err := p.det.Detect(raw)
		if err != nil {
			if unjudged++; firstBad == nil {
				firstBad = err
			}
			return nil
		}
		for _, m := range ms {
			col.Add(m)
		}
		return nil
	})
	p.m.eventsRead.WithLabelValues(b.Source).Add(float64(n))
	if !b.Produced.IsZero() && !b.Received.IsZero() {
		p.m.sourceLag.WithLabelValues(b.Source).Set(b.Received.Sub(b.Produced).Seconds())
	}
	// Bad input (a truncated file, a corrupt gzip) still records what was
	// read before the damage and the checkpoint (the same bytes would fail
	// the same way), then reports the error so the source can count it,
	// log it with its offset, or leave the message for the dead-letter
	// queue. Any other read failure (a network error) records nothing and
	// the batch is read again.
	var bad *cloudtrail.DecodeError
	if err != nil && !errors.As(err, &bad) {
		p.m.batchesFailed.WithLabelValues(b.Source).Inc()
		return fmt.Errorf("read %s: %w", b.Name, err)
	}
	readErr := err
	if unjudged > 0 {
		cause := fmt.Sprintf("%d of its records cannot be judged (first: %v)", unjudged, firstBad)
		p.log.Warn("records cannot be judged", "source", b.Source, "input", b.Name, "records", unjudged, "error", firstBad)
		if err := p.Unreadable(ctx, b.Source, b.Name, cause); err != nil {
			p.m.batchesFailed.WithLabelValues(b.Source).Inc()
			return err
		}
	}
	matches := col.Matches()
	if len(matches) == 0 && b.Checkpoint == nil {
		if readErr != nil {
			p.m.poison.WithLabelValues(b.Source).Inc()
		}
		return readErr
	}
	var queued int
	// Bounded, so a store that hangs (a PostgreSQL lock) cannot stall
	// shutdown forever; the batch is then simply read again.
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	defer cancel()
	err = p.store.Tx(tctx, func(tx *sql.Tx) error {
		queued = 0
		now := p.now()
		fresh, err := p.dedup(tctx, tx, matches, now)
		if err != nil {
			return err
		}
		alerts, err := p.decide(tctx, tx, fresh, now)
		if err != nil {
			return err
		}
		alerts = append(alerts, col.Overflow(b.Name, now)...)
		if queued, err = p.enqueue(tctx, tx, alerts, now); err != nil {
			return err
		}
		if c := b.Checkpoint; c != nil {
			if err := p.store.SetCheckpoint(tctx, tx, c.Name, c.Value, now); err != nil {
				return err
			}
		}
		for _, m := range fresh {
			p.m.eventsMatched.WithLabelValues(m.Rule).Inc()
		}
		return nil
	})
	p.health.record(writerBatch, err)
	if err != nil {
		p.m.batchesFailed.WithLabelValues(b.Source).Inc()
		return fmt.Errorf("record alerts of %s: %w", b.Name, err)
	}
	if queued > 0 {
		p.wake()
	}
	if readErr != nil {
		p.m.poison.WithLabelValues(b.Source).Inc()
	}
	return readErr
}

// dedup keeps the matches of events not acted on before. An event that
// matched two rules is one seen row and two matches.
func (p *pipeline) dedup(ctx context.Context, tx *sql.Tx, ms []detect.Match, now time.Time) ([]detect.Match, error) {
	isNew := map[string]bool{}
	var out []detect.Match
	for _, m := range ms {
		fresh, known := isNew[m.Event.ID]
		if !known {
			var err error
			if fresh, err = p.store.MarkSeen(ctx, tx, m.Event.ID, now); err != nil {
				return nil, err
			}
			isNew[m.Event.ID] = fresh
		}
		if fresh {
			out = append(out, m)
		}
	}
	return out, nil
}

// decide turns new matches into alerts: root usage through the configured
// mode, everything else through session grouping. Keys are processed in
// sorted order so PostgreSQL replicas lock rows in the same order.
func (p *pipeline) decide(ctx context.Context, tx *sql.Tx, ms []detect.Match, now time.Time) ([]alert.Alert, error) {
	groups := map[string][]detect.Match{}
	alarms := map[string][]detect.Match{}
	for _, m := range ms {
		if p.mode == ModeAlarm && m.Rule == alert.RuleRootUsage {
			alarms[detect.AlarmKey(m)] = append(alarms[detect.AlarmKey(m)], m)
			continue
		}
		groups[detect.GroupKey(m)] = append(groups[detect.GroupKey(m)], m)
	}
	var out []alert.Alert
	for _, key := range sortedKeys(groups) {
		g, err := p.store.LockGroup(ctx, tx, key)
		if err != nil {
			return nil, err
		}
		g, as := p.group.Add(g, key, groups[key], now)
		if err := p.store.SaveGroup(ctx, tx, g); err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	for _, key := range sortedKeys(alarms) {
		st, err := p.store.LockAlarm(ctx, tx, key)
		if err != nil {
			return nil, err
		}
		if st == nil {
			st = detect.NewAlarmState(alarms[key][0], now)
		}
		for _, m := range alarms[key] {
			p.alarm.Record(st, m)
		}
		if a := p.alarm.Evaluate(st, now); a != nil {
			out = append(out, *a)
		}
		if err := p.store.SaveAlarm(ctx, tx, st); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p *pipeline) enqueue(ctx context.Context, tx *sql.Tx, alerts []alert.Alert, now time.Time) (int, error) {
	total := 0
	for _, a := range alerts {
		var names []string
		for _, t := range p.targets {
			if t.wants(a) {
				names = append(names, t.Name)
			}
		}
		if len(names) == 0 {
			p.log.Info("alert matches no notifier route", "alert", a.ID, "rule", a.Rule, "account", a.Account)
			continue
		}
		n, err := p.store.Enqueue(ctx, tx, a, names, now)
		if err != nil {
			return 0, err
		}
		total += n
		if n > 0 {
			p.log.Info("alert recorded", "alert", a.ID, "rule", a.Rule, "kind", a.Kind, "account", a.Account,
				"event", a.EventName, "events", len(a.EventIDs), "notifiers", names)
		}
	}
	return total, nil
}

// tick does the time-driven work: follow-up alerts of sessions, session
// expiry, alarm evaluation.
func (p *pipeline) tick(ctx context.Context) error {
	now := p.now()
	var errs []error
	keys, err := p.store.GroupsDue(ctx, now, now.Add(-p.group.Window))
	if err != nil {
		return err
	}
	queued := 0
	for _, key := range keys {
		err := p.store.Tx(ctx, func(tx *sql.Tx) error {
			g, err := p.store.LockGroup(ctx, tx, key)
			if err != nil {
				return err
			}
			if g == nil {
				return p.store.DeleteGroup(ctx, tx, key)
			}
			g, a := p.group.Flush(g, now)
			if a != nil {
				n, err := p.enqueue(ctx, tx, []alert.Alert{*a}, now)
				if err != nil {
					return err
				}
				queued += n
			}
			if p.group.Expired(g, now) {
				return p.store.DeleteGroup(ctx, tx, key)
			}
			return p.store.SaveGroup(ctx, tx, g)
		})
		p.health.record(writerTick, err)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if p.mode == ModeAlarm {
		akeys, err := p.store.AlarmKeys(ctx)
		if err != nil {
			return err
		}
		for _, key := range akeys {
			err := p.store.Tx(ctx, func(tx *sql.Tx) error {
				st, err := p.store.LockAlarm(ctx, tx, key)
				if err != nil || st == nil {
					return err
				}
				if a := p.alarm.Evaluate(st, now); a != nil {
					n, err := p.enqueue(ctx, tx, []alert.Alert{*a}, now)
					if err != nil {
						return err
					}
					queued += n
				}
				return p.store.SaveAlarm(ctx, tx, st)
			})
			p.health.record(writerTick, err)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if queued > 0 {
		p.wake()
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
