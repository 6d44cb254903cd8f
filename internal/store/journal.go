package store

// The change journal: every write that fix, backout and corrections make to
// an AWS account is recorded here before it is attempted and again once it
// has succeeded or failed. A crash, a throttle or an AccessDenied half-way
// through therefore leaves rows that say exactly what was done ("done"),
// what was refused ("failed") and what may or may not have happened
// ("pending": the process died between the call and the record). Backout
// reads the journal to remove only what rootwatch made and to restore what
// it changed.
//
// Identifiers are text (a sortable run ID plus a sequence number within the
// run) so that one DDL serves SQLite and PostgreSQL without AUTOINCREMENT
// versus BIGSERIAL.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Change statuses.
const (
	ChangePending   = "pending"   // recorded, call not known to have finished
	ChangeDone      = "done"      // the call succeeded
	ChangeFailed    = "failed"    // the call failed; nothing was changed
	ChangeAbandoned = "abandoned" // was pending; a later run found it had not happened
)

// Run statuses.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunPartial = "partial" // some accounts or changes failed
	RunFailed  = "failed"
)

// ErrChangeNotFound is returned when a journal change does not exist.
var ErrChangeNotFound = errors.New("journal change not found")

var journalDDL = []string{
	`CREATE TABLE journal_runs (
		id TEXT PRIMARY KEY,
		command TEXT NOT NULL,
		args TEXT NOT NULL,
		started_at BIGINT NOT NULL,
		finished_at BIGINT NOT NULL,
		status TEXT NOT NULL)`,
	`CREATE TABLE journal_changes (
		run_id TEXT NOT NULL REFERENCES journal_runs (id),
		seq BIGINT NOT NULL,
		account TEXT NOT NULL,
		region TEXT NOT NULL,
		kind TEXT NOT NULL,
		resource TEXT NOT NULL,
		action TEXT NOT NULL,
		before_state TEXT NOT NULL,
		after_state TEXT NOT NULL,
		result TEXT NOT NULL,
		status TEXT NOT NULL,
		error TEXT NOT NULL,
		reverted_by TEXT NOT NULL,
		started_at BIGINT NOT NULL,
		finished_at BIGINT NOT NULL,
		PRIMARY KEY (run_id, seq))`,
	`CREATE INDEX journal_changes_account ON journal_changes (account, region, status)`,
}

// journalMACDDL adds each row's HMAC (journal_mac.go); rows written
// before it have none.
var journalMACDDL = []string{`ALTER TABLE journal_changes ADD COLUMN mac TEXT NOT NULL DEFAULT ''`}

// Change is one journaled write.
type Change struct {
	RunID string
	Seq   int64
	// Command is the command of the run that made the change (filled in
	// when read back).
	Command string
	// Account and Region locate the resource.
	Account string
	Region  string
	// Kind names the resource type ("metric-filter", "alarm", "topic", ...)
	// and Resource identifies it (an ARN, or "log-group/filter").
	Kind     string
	Resource string
	// Action is what was done to it ("create", "update", "disable-actions", ...).
	Action string
	// Before is the resource's state before the change (JSON), empty when
	// it did not exist; After is the state the change sets.
	Before string
	After  string
	// Result is what the call returned that later steps need (a
	// subscription ARN, a topic ARN).
	Result string
	Status string
	Error  string
	// RevertedBy is the Ref of the change that undid this one, if any.
	RevertedBy string
	StartedAt  time.Time
	FinishedAt time.Time
	// MAC authenticates the row (journal_mac.go); Auth is what checking
	// it with the journal's key found (filled in when read back).
	MAC  string
	Auth Auth
}

// Ref names a change uniquely: "RUN/SEQ".
func (c Change) Ref() string { return fmt.Sprintf("%s/%d", c.RunID, c.Seq) }

// RunInfo describes one journaled run.
type RunInfo struct {
	ID         string
	Command    string
	Args       string
	Status     string
	StartedAt  time.Time
	FinishedAt time.Time
}

// Journal records changes in a Store.
type Journal struct {
	s   *Store
	now func() time.Time
	// key signs the rows this journal writes and checks those it reads;
	// nil leaves rows unsigned and unchecked.
	key []byte
}

// OpenJournal migrates the journal tables and returns a Journal using now
// as its clock (time.Now when nil). Its rows are neither signed nor
// checked: OpenSignedJournal is for what acts on the journal.
func OpenJournal(ctx context.Context, s *Store, now func() time.Time) (*Journal, error) {
	return OpenSignedJournal(ctx, s, now, nil)
}

// OpenSignedJournal is OpenJournal with the HMAC key that signs every row
// written and checks every row read (Change.Auth).
func OpenSignedJournal(ctx context.Context, s *Store, now func() time.Time, key []byte) (*Journal, error) {
	if err := s.Migrate(ctx, "journal-v1", journalDDL...); err != nil {
		return nil, fmt.Errorf("prepare the change journal: %w", err)
	}
	if err := s.Migrate(ctx, "journal-v2-mac", journalMACDDL...); err != nil {
		return nil, fmt.Errorf("prepare the change journal: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	return &Journal{s: s, now: now, key: key}, nil
}

// Run is an open journaled run; its methods are safe for concurrent use
// (accounts are fixed in parallel).
type Run struct {
	j       *Journal
	ID      string
	command string

	mu  sync.Mutex
	seq int64
}

// StartRun records the start of a command's run.
func (j *Journal) StartRun(ctx context.Context, command, args string) (*Run, error) {
	now := j.now()
	id, err := newRunID(now)
	if err != nil {
		return nil, err
	}
	_, err = j.s.db.ExecContext(ctx, `INSERT INTO journal_runs (id, command, args, started_at, finished_at, status)
		VALUES ($1, $2, $3, $4, 0, $5)`, id, command, args, now.UnixNano(), RunRunning)
	if err != nil {
		return nil, fmt.Errorf("journal: start run: %w", err)
	}
	return &Run{j: j, ID: id, command: command}, nil
}

// newRunID sorts by time and cannot collide between processes.
func newRunID(now time.Time) (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("journal: run id: %w", err)
	}
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:]), nil
}

// Begin records c as pending before the call is made and returns it with
// its run, sequence number and start time filled in.
func (r *Run) Begin(ctx context.Context, c Change) (Change, error) {
	r.mu.Lock()
	r.seq++
	c.Seq = r.seq
	r.mu.Unlock()
	c.RunID = r.ID
	c.Command = r.command
	c.Status = ChangePending
	c.StartedAt = r.j.now()
	c.MAC = r.j.sign(&c)
	_, err := r.j.s.db.ExecContext(ctx, `INSERT INTO journal_changes
		(run_id, seq, account, region, kind, resource, action, before_state, after_state, result, status, error, reverted_by, started_at, finished_at, mac)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', '', $12, 0, $13)`,
		c.RunID, c.Seq, c.Account, c.Region, c.Kind, c.Resource, c.Action, c.Before, c.After, c.Result, c.Status, c.StartedAt.UnixNano(), c.MAC)
	if err != nil {
		return c, fmt.Errorf("journal: record %s %s %s: %w", c.Action, c.Kind, c.Resource, err)
	}
	return c, nil
}

// Finish records the outcome of c: done with result when callErr is nil,
// failed with the error text otherwise; c.Before and c.After are stored
// again, as the call may have refined them.
func (r *Run) Finish(ctx context.Context, c *Change, result string, callErr error) error {
	return r.j.finish(ctx, c, result, callErr)
}

func (j *Journal) finish(ctx context.Context, c *Change, result string, callErr error) error {
	c.FinishedAt = j.now()
	c.Status, c.Error = ChangeDone, ""
	if callErr != nil {
		c.Status, c.Error = ChangeFailed, callErr.Error()
	}
	if result != "" {
		c.Result = result
	}
	// Before and After are written again: the call may have learnt the
	// state it really replaced (a resource read whole just before it).
	c.MAC = j.sign(c)
	res, err := j.s.db.ExecContext(ctx, `UPDATE journal_changes SET status = $1, error = $2, result = $3, finished_at = $4,
		before_state = $5, after_state = $6, mac = $7
		WHERE run_id = $8 AND seq = $9`, c.Status, c.Error, c.Result, c.FinishedAt.UnixNano(), c.Before, c.After, c.MAC, c.RunID, c.Seq)
	if err != nil {
		return fmt.Errorf("journal: record outcome of %s %s %s: %w", c.Action, c.Kind, c.Resource, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("journal: %s: %w", c.Ref(), ErrChangeNotFound)
	}
	return nil
}

// Close records how the run ended.
func (r *Run) Close(ctx context.Context, status string) error {
	_, err := r.j.s.db.ExecContext(ctx, `UPDATE journal_runs SET status = $1, finished_at = $2 WHERE id = $3`,
		status, r.j.now().UnixNano(), r.ID)
	if err != nil {
		return fmt.Errorf("journal: close run %s: %w", r.ID, err)
	}
	return nil
}

// Resolve settles a change left pending by an interrupted run, once a later
// run has looked at AWS: done (it happened, result as found) or abandoned.
func (j *Journal) Resolve(ctx context.Context, c *Change, happened bool, result, note string) error {
	if happened {
		return j.finish(ctx, c, result, nil)
	}
	c.FinishedAt = j.now()
	c.Status, c.Error = ChangeAbandoned, note
	c.MAC = j.sign(c)
	_, err := j.s.db.ExecContext(ctx, `UPDATE journal_changes SET status = $1, error = $2, finished_at = $3, mac = $4
		WHERE run_id = $5 AND seq = $6`, c.Status, c.Error, c.FinishedAt.UnixNano(), c.MAC, c.RunID, c.Seq)
	if err != nil {
		return fmt.Errorf("journal: resolve %s: %w", c.Ref(), err)
	}
	return nil
}

// MarkReverted records that change c was undone by the change named by.
func (j *Journal) MarkReverted(ctx context.Context, c *Change, by string) error {
	res, err := j.s.db.ExecContext(ctx, `UPDATE journal_changes SET reverted_by = $1 WHERE run_id = $2 AND seq = $3`,
		by, c.RunID, c.Seq)
	if err != nil {
		return fmt.Errorf("journal: mark %s reverted: %w", c.Ref(), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("journal: %s: %w", c.Ref(), ErrChangeNotFound)
	}
	c.RevertedBy = by
	return nil
}

// ChangeQuery selects journal changes; empty fields match everything.
type ChangeQuery struct {
	Account  string
	Region   string
	Statuses []string
	// Unreverted leaves out changes a later change undid.
	Unreverted bool
	RunID      string
	// Commands keeps only changes made by runs of these commands;
	// ExcludeCommands leaves out those of these.
	Commands        []string
	ExcludeCommands []string
}

// Changes returns the matching changes in the order they were made.
func (j *Journal) Changes(ctx context.Context, q ChangeQuery) ([]Change, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if q.Account != "" {
		add("c.account = $%d", q.Account)
	}
	if q.Region != "" {
		add("c.region = $%d", q.Region)
	}
	if q.RunID != "" {
		add("c.run_id = $%d", q.RunID)
	}
	if len(q.Statuses) > 0 {
		var ors []string
		for _, s := range q.Statuses {
			args = append(args, s)
			ors = append(ors, fmt.Sprintf("c.status = $%d", len(args)))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if len(q.Commands) > 0 {
		var ors []string
		for _, c := range q.Commands {
			args = append(args, c)
			ors = append(ors, fmt.Sprintf("r.command = $%d", len(args)))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	for _, c := range q.ExcludeCommands {
		add("r.command <> $%d", c)
	}
	if q.Unreverted {
		where = append(where, "c.reverted_by = ''")
	}
	query := `SELECT c.run_id, c.seq, r.command, c.account, c.region, c.kind, c.resource, c.action, c.before_state, c.after_state,
		c.result, c.status, c.error, c.reverted_by, c.started_at, c.finished_at, c.mac
		FROM journal_changes c JOIN journal_runs r ON r.id = c.run_id`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY r.started_at, c.run_id, c.seq"
	rows, err := j.s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("journal: list changes: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Change
	for rows.Next() {
		var c Change
		var started, finished int64
		if err := rows.Scan(&c.RunID, &c.Seq, &c.Command, &c.Account, &c.Region, &c.Kind, &c.Resource, &c.Action, &c.Before, &c.After,
			&c.Result, &c.Status, &c.Error, &c.RevertedBy, &started, &finished, &c.MAC); err != nil {
			return nil, fmt.Errorf("journal: read change: %w", err)
		}
		c.StartedAt = time.Unix(0, started)
		if finished != 0 {
			c.FinishedAt = time.Unix(0, finished)
		}
		c.Auth = j.check(&c)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: list changes: %w", err)
	}
	return out, nil
}

// Runs lists journaled runs, newest first, at most limit (0: all).
func (j *Journal) Runs(ctx context.Context, limit int) ([]RunInfo, error) {
	query := `SELECT id, command, args, status, started_at, finished_at FROM journal_runs ORDER BY started_at DESC, id DESC`
	var args []any
	if limit > 0 {
		query += " LIMIT $1"
		args = append(args, limit)
	}
	rows, err := j.s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("journal: list runs: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []RunInfo
	for rows.Next() {
		var r RunInfo
		var started, finished int64
		if err := rows.Scan(&r.ID, &r.Command, &r.Args, &r.Status, &started, &finished); err != nil {
			return nil, fmt.Errorf("journal: read run: %w", err)
		}
		r.StartedAt = time.Unix(0, started)
		if finished != 0 {
			r.FinishedAt = time.Unix(0, finished)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("journal: list runs: %w", err)
	}
	return out, nil
}
