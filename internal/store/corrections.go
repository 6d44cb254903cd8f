package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A correction is a fix that watch's scheduled audit proposed (with
// --correct ask) and a person approves or rejects with `rootwatch
// corrections approve|reject ID`; with --correct always it is recorded
// already approved and applied at once.
var correctionDDL = []string{
	`CREATE TABLE watch_corrections (
		id TEXT PRIMARY KEY,
		account TEXT NOT NULL,
		summary TEXT NOT NULL,
		plan TEXT NOT NULL,
		state TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		decided_by TEXT NOT NULL DEFAULT '',
		decided_at BIGINT NOT NULL DEFAULT 0,
		result TEXT NOT NULL DEFAULT '')`,
	`CREATE INDEX watch_corrections_state ON watch_corrections (state)`,
}

// Correction states.
const (
	CorrectionProposed = "proposed"
	CorrectionApproved = "approved"
	CorrectionRejected = "rejected"
	CorrectionApplied  = "applied"
	CorrectionFailed   = "failed"
)

// Correction is one proposed or applied fix.
type Correction struct {
	ID        string
	Account   string
	Summary   string
	Plan      string // the fix plan, as the fix package encodes it
	State     string
	Created   time.Time
	DecidedBy string
	DecidedAt time.Time
	Result    string
}

// ErrDecided is returned when approving or rejecting a correction that is
// no longer proposed.
var ErrDecided = errors.New("correction already decided")

// ProposeCorrection records c (state proposed unless set) and reports
// whether it is new: the same ID proposed again, as each audit run that
// finds the same broken chain does, is not a second correction.
func (s *Store) ProposeCorrection(ctx context.Context, c Correction) (bool, error) {
	if c.State == "" {
		c.State = CorrectionProposed
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO watch_corrections (id, account, summary, plan, state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Account, c.Summary, c.Plan, c.State, nanos(c.Created))
	if err != nil {
		return false, fmt.Errorf("store %s: record correction %s: %w", s, c.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const correctionColumns = `id, account, summary, plan, state, created_at, decided_by, decided_at, result`

func scanCorrection(sc interface{ Scan(...any) error }) (Correction, error) {
	var c Correction
	var created, decided int64
	err := sc.Scan(&c.ID, &c.Account, &c.Summary, &c.Plan, &c.State, &created, &c.DecidedBy, &decided, &c.Result)
	c.Created, c.DecidedAt = fromNanos(created), fromNanos(decided)
	return c, err
}

// ListCorrections returns corrections in state (all when empty), newest first.
func (s *Store) ListCorrections(ctx context.Context, state string) ([]Correction, error) {
	q := `SELECT ` + correctionColumns + ` FROM watch_corrections`
	var args []any
	if state != "" {
		q += ` WHERE state = $1`
		args = append(args, state)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store %s: list corrections: %w", s, err)
	}
	defer func() { _ = rows.Close() }()
	var out []Correction
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, fmt.Errorf("store %s: list corrections: %w", s, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// GetCorrection returns one correction or ErrNotFound.
func (s *Store) GetCorrection(ctx context.Context, id string) (Correction, error) {
	c, err := scanCorrection(s.db.QueryRowContext(ctx, `SELECT `+correctionColumns+` FROM watch_corrections WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Correction{}, fmt.Errorf("correction %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Correction{}, fmt.Errorf("store %s: read correction %s: %w", s, id, err)
	}
	return c, nil
}

// DecideCorrection moves a proposed correction to approved or rejected.
func (s *Store) DecideCorrection(ctx context.Context, id string, approve bool, by string, now time.Time) error {
	state := CorrectionRejected
	if approve {
		state = CorrectionApproved
	}
	res, err := s.db.ExecContext(ctx, `UPDATE watch_corrections SET state = $1, decided_by = $2, decided_at = $3
		WHERE id = $4 AND state = 'proposed'`, state, by, nanos(now), id)
	if err != nil {
		return fmt.Errorf("store %s: decide correction %s: %w", s, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		c, err := s.GetCorrection(ctx, id)
		if err != nil {
			return err
		}
		return fmt.Errorf("correction %s is %s: %w", id, c.State, ErrDecided)
	}
	return nil
}

// FinishCorrection records the outcome of applying an approved correction.
func (s *Store) FinishCorrection(ctx context.Context, id string, applied bool, result string, now time.Time) error {
	state := CorrectionFailed
	if applied {
		state = CorrectionApplied
	}
	_, err := s.db.ExecContext(ctx, `UPDATE watch_corrections SET state = $1, result = $2,
		decided_at = CASE WHEN decided_at = 0 THEN $3 ELSE decided_at END WHERE id = $4`, state, result, nanos(now), id)
	if err != nil {
		return fmt.Errorf("store %s: finish correction %s: %w", s, id, err)
	}
	return nil
}
