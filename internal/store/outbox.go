package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// The outbox holds one row per (alert, notifier). Rows are written in the
// detection transaction, then a dispatcher claims due rows with a lease,
// delivers them, and marks them sent, or reschedules them with exponential
// backoff, or moves them to the dead-letter state. Delivery is at least
// once: a process that dies between the receiver accepting an alert and
// the row being marked sent delivers it again once the lease expires, which
// receivers dedup by alert ID.
var outboxDDL = []string{
	`CREATE TABLE watch_outbox (
		id TEXT PRIMARY KEY,
		alert_id TEXT NOT NULL,
		notifier TEXT NOT NULL,
		rule TEXT NOT NULL,
		account TEXT NOT NULL,
		title TEXT NOT NULL,
		payload TEXT NOT NULL,
		state TEXT NOT NULL,
		attempts BIGINT NOT NULL DEFAULT 0,
		next_attempt BIGINT NOT NULL,
		lease_owner TEXT NOT NULL DEFAULT '',
		lease_until BIGINT NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT '',
		created_at BIGINT NOT NULL,
		sent_at BIGINT NOT NULL DEFAULT 0)`,
	`CREATE INDEX watch_outbox_due ON watch_outbox (state, next_attempt)`,
	`CREATE INDEX watch_outbox_alert ON watch_outbox (alert_id)`,
}

// Outbox states.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// OutboxItem is one delivery of one alert to one notifier.
type OutboxItem struct {
	ID          string
	AlertID     string
	Notifier    string
	Rule        string
	Account     string
	Title       string
	Alert       alert.Alert
	State       string
	Attempts    int
	NextAttempt time.Time
	LeaseOwner  string
	LeaseUntil  time.Time
	LastError   string
	Created     time.Time
	Sent        time.Time
}

// Backoff schedules retries: Initial, doubling up to Max, with a
// deterministic ±20% spread per row so a burst of failures does not retry
// in lockstep. After MaxAttempts failed attempts a row is dead.
type Backoff struct {
	Initial     time.Duration
	Max         time.Duration
	MaxAttempts int
}

// DefaultBackoff retries for about a day: 2 s, 4 s, ... capped at 15 min.
func DefaultBackoff() Backoff {
	return Backoff{Initial: 2 * time.Second, Max: 15 * time.Minute, MaxAttempts: 100}
}

// Delay is the wait after the attempt-th failure (1-based).
func (b Backoff) Delay(id string, attempt int) time.Duration {
	d := b.Initial
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	h := fnv.New32a()
	h.Write([]byte(id))
	spread := float64(h.Sum32()%401)/1000 - 0.2 // -0.2 .. +0.2
	return d + time.Duration(float64(d)*spread)
}

func outboxID(alertID, notifier string) string { return alertID + "/" + notifier }

// Enqueue adds one outbox row per notifier for a, inside tx. Enqueueing the
// same alert for the same notifier again is a no-op, so rebuilding an
// alert after a crash never sends it twice. It returns the rows added.
func (s *Store) Enqueue(ctx context.Context, tx *sql.Tx, a alert.Alert, notifiers []string, now time.Time) (int, error) {
	payload, err := json.Marshal(a)
	if err != nil {
		return 0, fmt.Errorf("encode alert %s: %w", a.ID, err)
	}
	added := 0
	for _, n := range notifiers {
		res, err := tx.ExecContext(ctx, `INSERT INTO watch_outbox
			(id, alert_id, notifier, rule, account, title, payload, state, next_attempt, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO NOTHING`,
			outboxID(a.ID, n), a.ID, n, a.Rule, a.Account, a.Title, string(payload), OutboxPending, nanos(now), nanos(now))
		if err != nil {
			return added, fmt.Errorf("enqueue alert %s for %s: %w", a.ID, n, err)
		}
		if k, err := res.RowsAffected(); err == nil {
			added += int(k)
		}
	}
	return added, nil
}

const outboxColumns = `id, alert_id, notifier, rule, account, title, payload, state, attempts,
	next_attempt, lease_owner, lease_until, last_error, created_at, sent_at`

func scanOutbox(rows *sql.Rows) ([]OutboxItem, error) {
	var out []OutboxItem
	for rows.Next() {
		var (
			it                                   OutboxItem
			payload                              string
			next, leaseUntil, created, sent, att int64
		)
		if err := rows.Scan(&it.ID, &it.AlertID, &it.Notifier, &it.Rule, &it.Account, &it.Title, &payload,
			&it.State, &att, &next, &it.LeaseOwner, &leaseUntil, &it.LastError, &created, &sent); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(payload), &it.Alert); err != nil {
			return nil, fmt.Errorf("decode outbox row %s: %w", it.ID, err)
		}
		it.Attempts = int(att)
		it.NextAttempt, it.LeaseUntil = fromNanos(next), fromNanos(leaseUntil)
		it.Created, it.Sent = fromNanos(created), fromNanos(sent)
		out = append(out, it)
	}
	return out, rows.Err()
}

// Claim leases up to limit due pending rows to owner until now+lease and
// returns them, oldest first. Replicas sharing a PostgreSQL store never
// claim the same row: the selection skips rows another transaction has
// locked, and a row stays leased until its owner reports or the lease
// runs out (the owner died).
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	skip := ""
	if s.dialect == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	var out []OutboxItem
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE watch_outbox SET lease_owner = $1, lease_until = $2
			WHERE id IN (SELECT id FROM watch_outbox
				WHERE state = 'pending' AND next_attempt <= $3 AND lease_until <= $3
				ORDER BY created_at, id LIMIT $4`+skip+`)
			RETURNING `+outboxColumns,
			owner, nanos(now.Add(lease)), nanos(now), limit)
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		out, err = scanOutbox(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	// RETURNING gives no order guarantee.
	sortItems(out)
	return out, nil
}

func sortItems(items []OutboxItem) {
	slices.SortFunc(items, func(a, b OutboxItem) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// ErrLeaseLost means another owner took the row over (this owner's lease
// ran out); the outcome is not recorded and the row is delivered again.
var ErrLeaseLost = errors.New("outbox lease lost")

// MarkSent records a delivery.
func (s *Store) MarkSent(ctx context.Context, it OutboxItem, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE watch_outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1,
		lease_owner = '', lease_until = 0, last_error = '' WHERE id = $2 AND lease_owner = $3 AND state = 'pending'`,
		nanos(now), it.ID, it.LeaseOwner)
	return s.leaseResult(res, err, "mark sent", it.ID)
}

// MarkFailed records a failed delivery: retried after b's delay, or dead
// when the failure is permanent or attempts are exhausted. It reports
// whether the row is now dead.
func (s *Store) MarkFailed(ctx context.Context, it OutboxItem, now time.Time, cause error, retryable bool, b Backoff) (bool, error) {
	attempts := it.Attempts + 1
	dead := !retryable || (b.MaxAttempts > 0 && attempts >= b.MaxAttempts)
	state, next := OutboxPending, now.Add(b.Delay(it.ID, attempts))
	if dead {
		state, next = OutboxDead, now
	}
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	res, err := s.db.ExecContext(ctx, `UPDATE watch_outbox SET state = $1, attempts = $2, next_attempt = $3,
		last_error = $4, lease_owner = '', lease_until = 0 WHERE id = $5 AND lease_owner = $6 AND state = 'pending'`,
		state, attempts, nanos(next), msg, it.ID, it.LeaseOwner)
	return dead, s.leaseResult(res, err, "mark failed", it.ID)
}

func (s *Store) leaseResult(res sql.Result, err error, what, id string) error {
	if err != nil {
		return fmt.Errorf("store %s: %s %s: %w", s, what, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%s %s: %w", what, id, ErrLeaseLost)
	}
	return nil
}

// OutboxFilter selects rows for ListOutbox; zero values select all.
type OutboxFilter struct {
	State   string
	AlertID string
	Limit   int
}

// ListOutbox returns rows, newest first.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxItem, error) {
	var (
		where []string
		args  []any
	)
	if f.State != "" {
		args = append(args, f.State)
		where = append(where, fmt.Sprintf("state = $%d", len(args)))
	}
	if f.AlertID != "" {
		args = append(args, f.AlertID)
		where = append(where, fmt.Sprintf("alert_id = $%d", len(args)))
	}
	q := `SELECT ` + outboxColumns + ` FROM watch_outbox`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store %s: list alerts: %w", s, err)
	}
	defer func() { _ = rows.Close() }()
	out, err := scanOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store %s: list alerts: %w", s, err)
	}
	return out, nil
}

// Retry puts dead rows back to pending, due now: those of alertID, or every
// dead row when alertID is empty. It returns how many rows it revived.
func (s *Store) Retry(ctx context.Context, alertID string, now time.Time) (int64, error) {
	q := `UPDATE watch_outbox SET state = 'pending', next_attempt = $1, attempts = 0, lease_owner = '', lease_until = 0
		WHERE state = 'dead'`
	args := []any{nanos(now)}
	if alertID != "" {
		q += ` AND (alert_id = $2 OR id = $2)`
		args = append(args, alertID)
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store %s: retry alerts: %w", s, err)
	}
	return res.RowsAffected()
}

// OutboxCounts counts rows by state.
func (s *Store) OutboxCounts(ctx context.Context) (map[string]int, error) {
	return s.countBy(ctx, `SELECT state, COUNT(*) FROM watch_outbox GROUP BY state`, "count alerts")
}

// countBy runs a "SELECT key, COUNT(*) ... GROUP BY key" query.
func (s *Store) countBy(ctx context.Context, query, what string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store %s: %s: %w", s, what, err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, fmt.Errorf("store %s: %s: %w", s, what, err)
		}
		out[key] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store %s: %s: %w", s, what, err)
	}
	return out, nil
}

// NextDue is when the earliest pending row becomes due (or its lease ends);
// ok is false when nothing is pending.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MIN(CASE WHEN lease_until > next_attempt THEN lease_until ELSE next_attempt END)
		FROM watch_outbox WHERE state = 'pending'`).Scan(&n)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store %s: next due alert: %w", s, err)
	}
	if !n.Valid {
		return time.Time{}, false, nil
	}
	return fromNanos(n.Int64), true, nil
}

// PruneSent deletes delivered rows older than cutoff.
func (s *Store) PruneSent(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM watch_outbox WHERE state = 'sent' AND sent_at < $1`, nanos(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store %s: prune sent alerts: %w", s, err)
	}
	return res.RowsAffected()
}
