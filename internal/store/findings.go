package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The audit_findings table remembers when each audit finding (keyed by
// its ASFF Id) was first reported, so a finding keeps its CreatedAt run
// after run and Security Hub does not show it as new every day.
var findingsDDL = []string{
	`CREATE TABLE audit_findings (
		finding_id TEXT PRIMARY KEY,
		first_seen BIGINT NOT NULL)`,
}

// MigrateFindings creates the audit findings table.
func (s *Store) MigrateFindings(ctx context.Context) error {
	return s.Migrate(ctx, "audit-findings-v1", findingsDDL...)
}

// FirstSeen records now as the first sighting of every id not seen before
// and returns the first sighting of each id, in one transaction.
func (s *Store) FirstSeen(ctx context.Context, ids []string, now time.Time) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(ids))
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_findings (finding_id, first_seen) VALUES ($1, $2)
				ON CONFLICT (finding_id) DO NOTHING`, id, nanos(now)); err != nil {
				return fmt.Errorf("record finding %s: %w", id, err)
			}
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT first_seen FROM audit_findings WHERE finding_id = $1`, id).Scan(&n); err != nil {
				return fmt.Errorf("read finding %s: %w", id, err)
			}
			out[id] = fromNanos(n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
