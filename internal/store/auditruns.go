package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Audit runs: what each scheduled audit of watch found, per account, for
// the console's overview (the latest result of each account, with its
// evidence) and its per-account history (status, broken link and warning
// count of every run, without evidence, so history stays small).
var auditRunDDL = []string{
	`CREATE TABLE audit_runs (
		id TEXT PRIMARY KEY,
		at BIGINT NOT NULL,
		accounts BIGINT NOT NULL DEFAULT 0,
		pass BIGINT NOT NULL DEFAULT 0,
		fail BIGINT NOT NULL DEFAULT 0,
		unknown BIGINT NOT NULL DEFAULT 0,
		error TEXT NOT NULL DEFAULT '')`,
	`CREATE INDEX audit_runs_at ON audit_runs (at)`,
	`CREATE TABLE audit_history (
		run_id TEXT NOT NULL,
		account TEXT NOT NULL,
		at BIGINT NOT NULL,
		status TEXT NOT NULL,
		broken TEXT NOT NULL DEFAULT '',
		warnings BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (run_id, account))`,
	`CREATE INDEX audit_history_account ON audit_history (account, at)`,
	`CREATE TABLE audit_latest (
		account TEXT PRIMARY KEY,
		run_id TEXT NOT NULL,
		at BIGINT NOT NULL,
		name TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL,
		broken TEXT NOT NULL DEFAULT '',
		detail TEXT NOT NULL DEFAULT '',
		covered_by TEXT NOT NULL DEFAULT '',
		warnings BIGINT NOT NULL DEFAULT 0,
		regions TEXT NOT NULL DEFAULT '',
		ous TEXT NOT NULL DEFAULT '',
		evidence TEXT NOT NULL DEFAULT '')`,
	`CREATE INDEX audit_latest_status ON audit_latest (status, account)`,
}

// AuditHistoryRetention is how long per-account history is kept.
const AuditHistoryRetention = 90 * 24 * time.Hour

// AuditResult is one account's chain as one audit run saw it.
type AuditResult struct {
	Account   string
	Name      string
	Status    string // PASS, FAIL, UNKNOWN
	Broken    string
	Detail    string
	CoveredBy string
	Warnings  int
	Regions   []string
	// OUs is where the account sits in the organization (root first),
	// when the audit read it.
	OUs []string
	// Evidence is the account's audit.AccountResult as JSON (what the HTML
	// report renders); empty in history rows.
	Evidence string
	RunID    string
	At       time.Time
}

// AuditRun is one scheduled audit: its results, or the error that
// stopped it (then Results is empty and the last results stand).
type AuditRun struct {
	ID      string
	At      time.Time
	Results []AuditResult
	Error   string
	// Counts, filled when read back.
	Accounts, Pass, Fail, Unknown int
}

// RecordAuditRun stores run: the run, a history row per account, and the
// latest result of each account (accounts the run did not see any more
// leave the overview; their history stays until it ages out).
func (s *Store) RecordAuditRun(ctx context.Context, run AuditRun) error {
	var pass, fail, unknown int
	for _, r := range run.Results {
		switch r.Status {
		case "PASS":
			pass++
		case "FAIL":
			fail++
		default:
			unknown++
		}
	}
	at := nanos(run.At)
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_runs (id, at, accounts, pass, fail, unknown, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			run.ID, at, len(run.Results), pass, fail, unknown, run.Error); err != nil {
			return fmt.Errorf("record audit run %s: %w", run.ID, err)
		}
		if run.Error != "" {
			return nil
		}
		for _, r := range run.Results {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_history (run_id, account, at, status, broken, warnings)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, account) DO NOTHING`,
				run.ID, r.Account, at, r.Status, r.Broken, r.Warnings); err != nil {
				return fmt.Errorf("record audit run %s: %w", run.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_latest
				(account, run_id, at, name, status, broken, detail, covered_by, warnings, regions, evidence, ous)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
				ON CONFLICT (account) DO UPDATE SET run_id = excluded.run_id, at = excluded.at, name = excluded.name,
				status = excluded.status, broken = excluded.broken, detail = excluded.detail, covered_by = excluded.covered_by,
				warnings = excluded.warnings, regions = excluded.regions, evidence = excluded.evidence, ous = excluded.ous`,
				r.Account, run.ID, at, r.Name, r.Status, r.Broken, r.Detail, r.CoveredBy, r.Warnings,
				strings.Join(r.Regions, ","), r.Evidence, ousColumn(r.OUs)); err != nil {
				return fmt.Errorf("record audit run %s: %w", run.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_latest WHERE run_id <> $1`, run.ID); err != nil {
			return fmt.Errorf("record audit run %s: %w", run.ID, err)
		}
		cutoff := nanos(run.At.Add(-AuditHistoryRetention))
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_history WHERE at < $1`, cutoff); err != nil {
			return fmt.Errorf("prune audit history: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_runs WHERE at < $1`, cutoff); err != nil {
			return fmt.Errorf("prune audit runs: %w", err)
		}
		return nil
	})
}

// ousColumn stores OU IDs as ",r-ab12,ou-ab12-cdef3456," so that one
// ID matches with LIKE '%,ID,%' and never as part of another.
func ousColumn(ous []string) string {
	if len(ous) == 0 {
		return ""
	}
	return "," + strings.Join(ous, ",") + ","
}

// LastAuditRuns returns the newest runs (failed ones too), newest first.
func (s *Store) LastAuditRuns(ctx context.Context, limit int) ([]AuditRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, accounts, pass, fail, unknown, error FROM audit_runs
		ORDER BY at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: list audit runs: %w", s, err)
	}
	defer func() { _ = rows.Close() }()
	var out []AuditRun
	for rows.Next() {
		var r AuditRun
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.Accounts, &r.Pass, &r.Fail, &r.Unknown, &r.Error); err != nil {
			return nil, fmt.Errorf("store %s: list audit runs: %w", s, err)
		}
		r.At = fromNanos(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LatestFilter selects latest results; zero values select all.
type LatestFilter struct {
	Status string
	// Account matches account IDs and names containing it.
	Account string
	// OU selects the accounts under this OU (or root) ID, at any depth.
	OU     string
	Offset int
	Limit  int
}

// likeEscape makes s match itself literally inside LIKE ... ESCAPE '!'.
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// LatestResults returns the latest result of the accounts f selects,
// ordered by account, and how many there are in all.
func (s *Store) LatestResults(ctx context.Context, f LatestFilter) ([]AuditResult, int, error) {
	var (
		where []string
		args  []any
	)
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.Account != "" {
		args = append(args, "%"+likeEscape(f.Account)+"%")
		where = append(where, fmt.Sprintf("(account LIKE $%d ESCAPE '!' OR name LIKE $%d ESCAPE '!')", len(args), len(args)))
	}
	if f.OU != "" {
		args = append(args, "%,"+likeEscape(f.OU)+",%")
		where = append(where, fmt.Sprintf("ous LIKE $%d ESCAPE '!'", len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_latest`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store %s: count audit results: %w", s, err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit, max(f.Offset, 0))
	rows, err := s.db.QueryContext(ctx, `SELECT account, run_id, at, name, status, broken, detail, covered_by, warnings, regions, evidence, ous
		FROM audit_latest`+cond+fmt.Sprintf(` ORDER BY account LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store %s: list audit results: %w", s, err)
	}
	defer func() { _ = rows.Close() }()
	var out []AuditResult
	for rows.Next() {
		r, err := scanLatest(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store %s: list audit results: %w", s, err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

func scanLatest(sc interface{ Scan(...any) error }) (AuditResult, error) {
	var r AuditResult
	var at int64
	var regions, ous string
	err := sc.Scan(&r.Account, &r.RunID, &at, &r.Name, &r.Status, &r.Broken, &r.Detail, &r.CoveredBy, &r.Warnings, &regions, &r.Evidence, &ous)
	r.At = fromNanos(at)
	if ous = strings.Trim(ous, ","); ous != "" {
		r.OUs = strings.Split(ous, ",")
	}
	if regions != "" {
		r.Regions = strings.Split(regions, ",")
	}
	return r, err
}

// LatestResult returns one account's latest result, or ErrNotFound.
func (s *Store) LatestResult(ctx context.Context, account string) (AuditResult, error) {
	r, err := scanLatest(s.db.QueryRowContext(ctx, `SELECT account, run_id, at, name, status, broken, detail, covered_by,
		warnings, regions, evidence, ous FROM audit_latest WHERE account = $1`, account))
	if errors.Is(err, sql.ErrNoRows) {
		return AuditResult{}, fmt.Errorf("account %s: %w", account, ErrNotFound)
	}
	if err != nil {
		return AuditResult{}, fmt.Errorf("store %s: read audit result of %s: %w", s, account, err)
	}
	return r, nil
}

// LatestCounts counts the latest results by status.
func (s *Store) LatestCounts(ctx context.Context) (map[string]int, error) {
	return s.countBy(ctx, `SELECT status, COUNT(*) FROM audit_latest GROUP BY status`, "count audit results")
}

// AuditHistory returns an account's results of the last limit runs,
// newest first (no evidence).
func (s *Store) AuditHistory(ctx context.Context, account string, limit int) ([]AuditResult, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, at, status, broken, warnings FROM audit_history
		WHERE account = $1 ORDER BY at DESC, run_id LIMIT $2`, account, limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: audit history of %s: %w", s, account, err)
	}
	defer func() { _ = rows.Close() }()
	var out []AuditResult
	for rows.Next() {
		r := AuditResult{Account: account}
		var at int64
		if err := rows.Scan(&r.RunID, &at, &r.Status, &r.Broken, &r.Warnings); err != nil {
			return nil, fmt.Errorf("store %s: audit history of %s: %w", s, account, err)
		}
		r.At = fromNanos(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
