package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/rootwatch/rootwatch/internal/detect"
)

// Alarm-mode state (detect.AlarmState: datapoints, current state, last
// notified state) per rule and account, updated in the detection
// transaction and by the periodic evaluation.
var alarmDDL = []string{
	`CREATE TABLE watch_alarms (
		key TEXT PRIMARY KEY,
		state TEXT NOT NULL,
		alarm_state TEXT NOT NULL)`,
}

// LockAlarm returns the alarm state for key, locked in tx (nil when the
// alarm has never seen a datapoint).
func (s *Store) LockAlarm(ctx context.Context, tx *sql.Tx, key string) (*detect.AlarmState, error) {
	a, err := lockState[detect.AlarmState](ctx, s, tx, "alarm", `INSERT INTO watch_alarms (key, state, alarm_state) VALUES ($1, '', '')
		ON CONFLICT (key) DO NOTHING`, `SELECT state FROM watch_alarms WHERE key = $1`, key)
	if a != nil && a.Datapoints == nil {
		a.Datapoints = map[int64]detect.Datapoint{}
	}
	return a, err
}

// SaveAlarm writes a in tx.
func (s *Store) SaveAlarm(ctx context.Context, tx *sql.Tx, a *detect.AlarmState) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode alarm %s: %w", a.Key, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO watch_alarms (key, state, alarm_state) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET state = excluded.state, alarm_state = excluded.alarm_state`,
		a.Key, string(b), a.State)
	if err != nil {
		return fmt.Errorf("save alarm %s: %w", a.Key, err)
	}
	return nil
}

// AlarmKeys lists every alarm with state, for the periodic evaluation.
func (s *Store) AlarmKeys(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key FROM watch_alarms WHERE state <> '' ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("store %s: list alarms: %w", s, err)
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
