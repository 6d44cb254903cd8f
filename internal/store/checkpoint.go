package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// A checkpoint is a source's position (a file done, a log group's last
// timestamp): an opaque string the source defines, written in the same
// transaction as the alerts of the batch that advanced it.
var checkpointDDL = []string{
	`CREATE TABLE watch_checkpoints (
		name TEXT PRIMARY KEY,
		value TEXT NOT NULL,
		updated_at BIGINT NOT NULL)`,
}

// Checkpoint returns the stored value for name; ok is false when there is
// none yet.
func (s *Store) Checkpoint(ctx context.Context, name string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM watch_checkpoints WHERE name = $1`, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store %s: read checkpoint %s: %w", s, name, err)
	}
	return value, true, nil
}

// SetCheckpoint writes name = value in tx.
func (s *Store) SetCheckpoint(ctx context.Context, tx *sql.Tx, name, value string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO watch_checkpoints (name, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, nanos(now))
	if err != nil {
		return fmt.Errorf("write checkpoint %s: %w", name, err)
	}
	return nil
}

// CheckpointsWithPrefix lists the checkpoints whose name starts with
// prefix (a directory source keeps one per file).
func (s *Store) CheckpointsWithPrefix(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, value FROM watch_checkpoints WHERE substr(name, 1, $2) = $1`,
		prefix, utf8.RuneCountInString(prefix))
	if err != nil {
		return nil, fmt.Errorf("store %s: list checkpoints %s*: %w", s, prefix, err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("store %s: list checkpoints %s*: %w", s, prefix, err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store %s: list checkpoints %s*: %w", s, prefix, err)
	}
	return out, nil
}
