package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rootwatch/rootwatch/internal/detect"
)

// Event-mode sessions (detect.Group) live here between batches, so events
// waiting for a follow-up alert survive a crash with the rest of the batch
// that brought them.
var groupDDL = []string{
	`CREATE TABLE watch_groups (
		key TEXT PRIMARY KEY,
		state TEXT NOT NULL,
		flush_at BIGINT NOT NULL,
		touched_at BIGINT NOT NULL)`,
	`CREATE INDEX watch_groups_flush ON watch_groups (flush_at)`,
}

// LockGroup returns the open session for key, locking it in tx (nil when
// there is none). The placeholder insert gives PostgreSQL a row to lock
// even for a session that does not exist yet, so two replicas opening the
// same session serialise instead of alerting twice.
func (s *Store) LockGroup(ctx context.Context, tx *sql.Tx, key string) (*detect.Group, error) {
	return lockState[detect.Group](ctx, s, tx, "session", `INSERT INTO watch_groups (key, state, flush_at, touched_at) VALUES ($1, '', 0, 0)
		ON CONFLICT (key) DO NOTHING`, `SELECT state FROM watch_groups WHERE key = $1`, key)
}

// lockState is the locking protocol sessions and alarms share: insert an
// empty placeholder row for key (so PostgreSQL has a row to lock even for
// state that does not exist yet, and two replicas serialise on it), select
// it FOR UPDATE, and decode its JSON state; nil when the state is empty.
func lockState[T any](ctx context.Context, s *Store, tx *sql.Tx, what, insert, query, key string) (*T, error) {
	if _, err := tx.ExecContext(ctx, insert, key); err != nil {
		return nil, fmt.Errorf("lock %s %s: %w", what, key, err)
	}
	var state string
	if err := tx.QueryRowContext(ctx, query+s.forUpdate(), key).Scan(&state); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", what, key, err)
	}
	if state == "" {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal([]byte(state), v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", what, key, err)
	}
	return v, nil
}

// SaveGroup writes g in tx.
func (s *Store) SaveGroup(ctx context.Context, tx *sql.Tx, g *detect.Group) error {
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("encode session %s: %w", g.Key, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO watch_groups (key, state, flush_at, touched_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET state = excluded.state, flush_at = excluded.flush_at, touched_at = excluded.touched_at`,
		g.Key, string(b), nanos(g.FlushAt), nanos(g.Touched))
	if err != nil {
		return fmt.Errorf("save session %s: %w", g.Key, err)
	}
	return nil
}

// DeleteGroup forgets a session in tx.
func (s *Store) DeleteGroup(ctx context.Context, tx *sql.Tx, key string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM watch_groups WHERE key = $1`, key); err != nil {
		return fmt.Errorf("delete session %s: %w", key, err)
	}
	return nil
}

// GroupsDue lists sessions with pending events due at now, and sessions
// untouched since idleBefore (candidates for expiry).
func (s *Store) GroupsDue(ctx context.Context, now, idleBefore time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key FROM watch_groups
		WHERE (flush_at > 0 AND flush_at <= $1) OR touched_at < $2 ORDER BY key`, nanos(now), nanos(idleBefore))
	if err != nil {
		return nil, fmt.Errorf("store %s: list due sessions: %w", s, err)
	}
	defer func() { _ = rows.Close() }()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
