package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// outboxV2DDL indexes the outbox for the console: alerts newest first
// (every row of one alert is enqueued with the same created_at), and per
// rule for the root-activity chart.
var outboxV2DDL = []string{
	`CREATE INDEX watch_outbox_created ON watch_outbox (created_at, alert_id)`,
	`CREATE INDEX watch_outbox_rule ON watch_outbox (rule, created_at, alert_id)`,
}

// AlertFilter selects alerts for AlertPage; zero values select all.
type AlertFilter struct {
	Rule    string
	Account string
	// Dead selects alerts with at least one dead delivery.
	Dead   bool
	Offset int
	Limit  int
}

func (f AlertFilter) where() (string, []any) {
	var (
		where []string
		args  []any
	)
	if f.Rule != "" {
		args = append(args, f.Rule)
		where = append(where, fmt.Sprintf("rule = $%d", len(args)))
	}
	if f.Account != "" {
		args = append(args, f.Account)
		where = append(where, fmt.Sprintf("account = $%d", len(args)))
	}
	if f.Dead {
		where = append(where, "state = 'dead'")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// AlertCountCap bounds counting: past it, AlertPage says "at least this
// many" and a page costs the same however large the outbox grows.
const AlertCountCap = 10_000

// AlertPage returns the alerts f selects, newest first (then by ID, descending: the index's order), each with all its
// deliveries (one OutboxItem per notifier), and how many alerts match, up
// to AlertCountCap (capped reports that there are more).
func (s *Store) AlertPage(ctx context.Context, f AlertFilter) (page [][]OutboxItem, total int, capped bool, err error) {
	cond, args := f.where()
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT created_at, alert_id FROM watch_outbox`+cond+
		fmt.Sprintf(` ORDER BY created_at DESC, alert_id DESC LIMIT %d) AS a`, AlertCountCap+1), args...).Scan(&total); err != nil {
		return nil, 0, false, fmt.Errorf("store %s: count alerts: %w", s, err)
	}
	if total > AlertCountCap {
		total, capped = AlertCountCap, true
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit, max(f.Offset, 0))
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT created_at, alert_id FROM watch_outbox`+cond+
		fmt.Sprintf(` ORDER BY created_at DESC, alert_id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("store %s: list alerts: %w", s, err)
	}
	var ids []string
	for rows.Next() {
		var created int64
		var id string
		if err := rows.Scan(&created, &id); err != nil {
			_ = rows.Close()
			return nil, 0, false, fmt.Errorf("store %s: list alerts: %w", s, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, false, fmt.Errorf("store %s: list alerts: %w", s, err)
	}
	if len(ids) == 0 {
		return nil, total, capped, nil
	}
	in := make([]string, len(ids))
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		in[i] = fmt.Sprintf("$%d", i+1)
		idArgs[i] = id
	}
	drows, err := s.db.QueryContext(ctx, `SELECT `+outboxColumns+` FROM watch_outbox WHERE alert_id IN (`+
		strings.Join(in, ",")+`) ORDER BY notifier`, idArgs...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("store %s: list deliveries: %w", s, err)
	}
	defer func() { _ = drows.Close() }()
	items, err := scanOutbox(drows)
	if err != nil {
		return nil, 0, false, fmt.Errorf("store %s: list deliveries: %w", s, err)
	}
	byID := map[string][]OutboxItem{}
	for _, it := range items {
		byID[it.AlertID] = append(byID[it.AlertID], it)
	}
	out := make([][]OutboxItem, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out, total, capped, nil
}

// AlertsPerDay counts the distinct alerts of rule per UTC day since since
// (days without alerts are absent).
func (s *Store) AlertsPerDay(ctx context.Context, rule string, since time.Time) (map[time.Time]int, error) {
	const day = int64(24 * time.Hour)
	// Distinct (created_at, alert_id) first: every row of one alert has
	// the same created_at, and the pairs come in index order, so this
	// streams where COUNT(DISTINCT alert_id) per day sorts.
	rows, err := s.db.QueryContext(ctx, `SELECT created_at / $1 AS d, COUNT(*) FROM
		(SELECT DISTINCT created_at, alert_id FROM watch_outbox WHERE rule = $2 AND created_at >= $3) AS a GROUP BY d`,
		day, rule, nanos(since))
	if err != nil {
		return nil, fmt.Errorf("store %s: alerts per day: %w", s, err)
	}
	defer func() { _ = rows.Close() }()
	out := map[time.Time]int{}
	for rows.Next() {
		var d int64
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, fmt.Errorf("store %s: alerts per day: %w", s, err)
		}
		out[time.Unix(0, d*day).UTC()] = n
	}
	return out, rows.Err()
}
