package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The seen table remembers the CloudTrail event IDs that detection has
// already acted on. The insert happens in the same transaction as the
// outbox rows the event produced, so an event is either fully recorded
// (and never acted on again) or not at all.
var seenDDL = []string{
	`CREATE TABLE watch_seen (
		event_id TEXT PRIMARY KEY,
		seen_at BIGINT NOT NULL)`,
	`CREATE INDEX watch_seen_at ON watch_seen (seen_at)`,
}

// MarkSeen records eventID in tx and reports whether it is new. On
// PostgreSQL a concurrent transaction inserting the same ID waits for this
// one and then sees it as not new.
func (s *Store) MarkSeen(ctx context.Context, tx *sql.Tx, eventID string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO watch_seen (event_id, seen_at) VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`, eventID, nanos(now))
	if err != nil {
		return false, fmt.Errorf("record seen event %s: %w", eventID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record seen event %s: %w", eventID, err)
	}
	return n == 1, nil
}

// PruneSeen forgets event IDs seen before cutoff. An event redelivered
// after that (CloudTrail never does so days later) would alert again.
func (s *Store) PruneSeen(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM watch_seen WHERE seen_at < $1`, nanos(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store %s: prune seen events: %w", s, err)
	}
	return res.RowsAffected()
}
