package watch

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/notify/route"
)

// Unreadable implements source.Sink: an input a source cannot read is an
// alert at the error level, through the outbox like every other alert
// (the same input and cause make the same alert ID, so a source that finds
// it again on every scan does not repeat it).
func (p *pipeline) Unreadable(ctx context.Context, src, input, cause string) error {
	a := detect.UnreadableAlert(src, input, cause, p.now())
	a.Details[route.DetailLevel] = route.LevelError.String()
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	defer cancel()
	var queued int
	err := p.store.Tx(tctx, func(tx *sql.Tx) error {
		var err error
		queued, err = p.enqueue(tctx, tx, []alert.Alert{a}, p.now())
		return err
	})
	p.health.record(writerBatch, err)
	if err != nil {
		return fmt.Errorf("record unreadable input %s: %w", input, err)
	}
	p.m.unreadable.WithLabelValues(src).Inc()
	if queued > 0 {
		p.wake()
	}
	return nil
}
