package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by lookups of one row (an alert, a correction)
// that does not exist.
var ErrNotFound = errors.New("not found")

// MigrateWatch creates the tables the watch service and its commands use
// (seen events, outbox, checkpoints, session groups, alarm state,
// corrections). Each keeps its own migration so a later change to one is
// a new, small migration.
func (s *Store) MigrateWatch(ctx context.Context) error {
	for _, m := range []struct {
		name string
		ddl  []string
	}{
		{"watch-seen-v1", seenDDL},
		{"watch-outbox-v1", outboxDDL},
		{"watch-checkpoints-v1", checkpointDDL},
		{"watch-groups-v1", groupDDL},
		{"watch-alarms-v1", alarmDDL},
		{"watch-corrections-v1", correctionDDL},
		{"watch-corrections-v2", correctionV2DDL},
		{"watch-outbox-v2", outboxV2DDL},
		{"watch-audit-runs-v1", auditRunDDL},
	} {
		if err := s.Migrate(ctx, m.name, m.ddl...); err != nil {
			return err
		}
	}
	return nil
}

// forUpdate locks the selected rows on PostgreSQL, where replicas run
// transactions side by side; SQLite's write transactions already exclude
// each other (the store opens them with BEGIN IMMEDIATE).
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
