package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// correctionV2DDL adds who may decide and how (fixed at proposal, so the
// deciding command needs no watch configuration), why it was decided,
// when the proposal expires, and when the service took the decision up.
var correctionV2DDL = []string{
	`ALTER TABLE watch_corrections ADD COLUMN approvers TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE watch_corrections ADD COLUMN actions TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE watch_corrections ADD COLUMN reason TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE watch_corrections ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0`,
	`ALTER TABLE watch_corrections ADD COLUMN handled_at BIGINT NOT NULL DEFAULT 0`,
}

// Correction states.
const (
	CorrectionProposed = "proposed"
	CorrectionApproved = "approved"
	CorrectionRejected = "rejected"
	CorrectionApplied  = "applied"
	CorrectionFailed   = "failed"
	// CorrectionSkipped: an approver chose to leave this plan alone; the
	// same plan is not proposed again (a different one is).
	CorrectionSkipped = "skipped"
	// CorrectionExpired: nobody decided in time; proposed again by the
	// next audit that still finds the chain broken.
	CorrectionExpired = "expired"
	// CorrectionStale: approved, but the account changed so the plan no
	// longer applies; nothing was changed and the current plan is proposed.
	CorrectionStale = "stale"
	// CorrectionRefused: the running watch did not accept the decision (the
	// decider is not an approver under its policy); proposed again by the
	// next audit that still finds the chain broken.
	CorrectionRefused = "refused"
)

// CorrectionStates lists every state, for flag checks.
var CorrectionStates = []string{CorrectionProposed, CorrectionApproved, CorrectionRejected, CorrectionSkipped,
	CorrectionApplied, CorrectionFailed, CorrectionExpired, CorrectionStale, CorrectionRefused}

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
	// Approvers may decide and Actions are what they may choose (watch's
	// policy for the account when proposed).
	Approvers []string
	Actions   []string
	Reason    string // why, as the approver said
	Expires   time.Time
	Handled   time.Time // when the service took the decision up
}

// Decision is an approver's answer to a proposal.
type Decision struct {
	State  string // CorrectionApproved, CorrectionRejected or CorrectionSkipped
	By     string
	Reason string
}

// ErrDecided is returned when approving or rejecting a correction that is
// no longer proposed.
var ErrDecided = errors.New("correction already decided")

// ProposeCorrection records c (state proposed unless set) and reports
// whether it is (again) up for decision: the same ID proposed again, as
// each audit run that finds the same broken chain does, is not a second
// correction, unless the first expired, went stale, failed, or was
// rejected longer ago than a proposal lives. A skipped plan stays skipped.
func (s *Store) ProposeCorrection(ctx context.Context, c Correction) (bool, error) {
	if c.State == "" {
		c.State = CorrectionProposed
	}
	approvers, actions := strings.Join(c.Approvers, "\n"), strings.Join(c.Actions, ",")
	res, err := s.db.ExecContext(ctx, `INSERT INTO watch_corrections (id, account, summary, plan, state, created_at, decided_by, approvers, actions, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Account, c.Summary, c.Plan, c.State, nanos(c.Created), c.DecidedBy, approvers, actions, nanos(c.Expires))
	if err != nil {
		return false, fmt.Errorf("store %s: record correction %s: %w", s, c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	// A rejection stands for as long as a proposal lives.
	rejectedBefore := int64(-1)
	if !c.Expires.IsZero() {
		rejectedBefore = nanos(c.Created.Add(-c.Expires.Sub(c.Created)))
	}
	res, err = s.db.ExecContext(ctx, `UPDATE watch_corrections SET state = $1, created_at = $2, decided_by = $3, decided_at = 0,
		reason = '', result = '', handled_at = 0, approvers = $4, actions = $5, expires_at = $6, summary = $7
		WHERE id = $8 AND (state IN ('expired', 'stale', 'failed', 'refused') OR (state = 'rejected' AND decided_at <= $9))`,
		c.State, nanos(c.Created), c.DecidedBy, approvers, actions, nanos(c.Expires), c.Summary, c.ID, rejectedBefore)
	if err != nil {
		return false, fmt.Errorf("store %s: propose correction %s again: %w", s, c.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const correctionColumns = `id, account, summary, plan, state, created_at, decided_by, decided_at, result,
	approvers, actions, reason, expires_at, handled_at`

func scanCorrection(sc interface{ Scan(...any) error }) (Correction, error) {
	var c Correction
	var created, decided, expires, handled int64
	var approvers, actions string
	err := sc.Scan(&c.ID, &c.Account, &c.Summary, &c.Plan, &c.State, &created, &c.DecidedBy, &decided, &c.Result,
		&approvers, &actions, &c.Reason, &expires, &handled)
	c.Created, c.DecidedAt, c.Expires, c.Handled = fromNanos(created), fromNanos(decided), fromNanos(expires), fromNanos(handled)
	if approvers != "" {
		c.Approvers = strings.Split(approvers, "\n")
	}
	if actions != "" {
		c.Actions = strings.Split(actions, ",")
	}
	return c, err
}

// ListCorrections returns corrections in state (all when empty), newest first.
func (s *Store) ListCorrections(ctx context.Context, state string) ([]Correction, error) {
	if state == "" {
		return s.listCorrections(ctx, "")
	}
	return s.listCorrections(ctx, `WHERE state = $1`, state)
}

func (s *Store) listCorrections(ctx context.Context, where string, args ...any) ([]Correction, error) {
	if !strings.Contains(where, "ORDER BY") {
		where += ` ORDER BY created_at DESC, id`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+correctionColumns+` FROM watch_corrections `+where, args...)
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

// DecideCorrection records an approver's decision on a proposed
// correction: who, when and why. Whether d.By may decide is the caller's
// check (watch.Policy), against c.Approvers and c.Actions.
func (s *Store) DecideCorrection(ctx context.Context, id string, d Decision, now time.Time) error {
	switch d.State {
	case CorrectionApproved, CorrectionRejected, CorrectionSkipped:
	default:
		return fmt.Errorf("decide correction %s: %q is not a decision", id, d.State)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE watch_corrections SET state = $1, decided_by = $2, decided_at = $3, reason = $4
		WHERE id = $5 AND state = 'proposed'`, d.State, d.By, nanos(now), d.Reason, id)
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

// Decided returns the decisions the service has not taken up yet.
func (s *Store) Decided(ctx context.Context) ([]Correction, error) {
	return s.listCorrections(ctx, `WHERE state IN ('approved', 'rejected', 'skipped') AND handled_at = 0`)
}

// ClaimDecision marks a decision taken up and reports whether this
// caller did it, so of several replicas one carries it out.
func (s *Store) ClaimDecision(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE watch_corrections SET handled_at = $1 WHERE id = $2 AND handled_at = 0`, nanos(now), id)
	if err != nil {
		return false, fmt.Errorf("store %s: claim correction %s: %w", s, id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ExpireCorrections moves proposals past their expiry to expired and
// returns them.
func (s *Store) ExpireCorrections(ctx context.Context, now time.Time) ([]Correction, error) {
	cs, err := s.listCorrections(ctx, `WHERE state = 'proposed' AND expires_at > 0 AND expires_at <= $1`, nanos(now))
	if err != nil {
		return nil, err
	}
	var out []Correction
	for _, c := range cs {
		res, err := s.db.ExecContext(ctx, `UPDATE watch_corrections SET state = 'expired' WHERE id = $1 AND state = 'proposed'`, c.ID)
		if err != nil {
			return out, fmt.Errorf("store %s: expire correction %s: %w", s, c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			c.State = CorrectionExpired
			out = append(out, c)
		}
	}
	return out, nil
}

// FinishCorrection records the outcome of carrying out an approved
// correction: applied, failed or stale.
func (s *Store) FinishCorrection(ctx context.Context, id, state, result string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE watch_corrections SET state = $1, result = $2,
		decided_at = CASE WHEN decided_at = 0 THEN $3 ELSE decided_at END,
		handled_at = CASE WHEN handled_at = 0 THEN $3 ELSE handled_at END WHERE id = $4`, state, result, nanos(now), id)
	if err != nil {
		return fmt.Errorf("store %s: finish correction %s: %w", s, id, err)
	}
	return nil
}

// CorrectionPage returns corrections in state (every state but proposed
// when history is set), newest first, a page at a time, and how many
// there are in all.
func (s *Store) CorrectionPage(ctx context.Context, state string, history bool, offset, limit int) ([]Correction, int, error) {
	where, args := "", []any{}
	switch {
	case state != "":
		where, args = `WHERE state = $1`, append(args, state)
	case history:
		where = `WHERE state <> 'proposed'`
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM watch_corrections `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store %s: count corrections: %w", s, err)
	}
	args = append(args, limit, max(offset, 0))
	cs, err := s.listCorrections(ctx, where+fmt.Sprintf(` ORDER BY created_at DESC, id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	return cs, total, err
}
