// Package store is rootwatch's durable state: SQLite embedded by default
// (one file, WAL), PostgreSQL when several replicas share the work. It owns
// opening, schema migration and transactions; each feature (the fix
// journal, the watch outbox, checkpoints, ...) keeps its own tables and
// queries in its own file and calls Migrate with its DDL before first use.
//
// Queries are written once for both engines: $1-style placeholders (SQLite
// accepts them), TEXT/BIGINT/DOUBLE PRECISION columns, and
// INSERT ... ON CONFLICT for upserts.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect is the SQL engine behind a Store.
type Dialect int

const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	where   string // file path or redacted DSN, for messages
}

// DefaultPath is the SQLite file used when no --store is given:
// $XDG_STATE_HOME/rootwatch/rootwatch.db, else ~/.local/state/rootwatch/rootwatch.db.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the state directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "rootwatch", "rootwatch.db"), nil
}

// Open opens (creating if needed) the store named by dsn: "" for
// DefaultPath, a file path or sqlite://PATH for SQLite, postgres://... or
// postgresql://... for PostgreSQL.
//
// The default path is refused when it, or its directory, is a symbolic
// link: another local user who can plant one would have rootwatch write
// its journal where they read or change it. A path the user names is
// theirs to point anywhere.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if isPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		if err := refuseSymlinks(p, filepath.Dir(p)); err != nil {
			return nil, err
		}
		path = p
	}
	return openSQLite(ctx, path)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// ErrSymlink is returned when the default store path is a symbolic link.
var ErrSymlink = errors.New("is a symbolic link")

func refuseSymlinks(paths ...string) error {
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("store %s %w; name it with --store if that is intended", p, ErrSymlink)
		}
	}
	return nil
}

// storeFileMode is the permission of the database and its -wal and -shm
// files: the journal and the outbox are nobody else's to read or write.
const storeFileMode = 0o600

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create store directory for %s: %w", path, err)
	}
	if err := privateFile(path); err != nil {
		return nil, err
	}
	// busy_timeout makes concurrent writers (two rootwatch processes on one
	// file) wait instead of failing; WAL lets readers run beside a writer;
	// synchronous(FULL) because the outbox's promise is "nothing lost".
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// One connection serialises writers inside this process, which SQLite
	// would do anyway, and avoids SQLITE_BUSY between our own goroutines.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close() // the open error is the one worth reporting
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, dialect: SQLite, where: path}
	if err := s.ensureMigrationsTable(ctx); err != nil {
		_ = db.Close() // the open error is the one worth reporting
		return nil, err
	}
	// SQLite gives -wal and -shm the database file's mode, but files left
	// by an older rootwatch (0644) keep theirs: tighten them too.
	for _, side := range []string{path + "-wal", path + "-shm"} {
		if err := tightenMode(side); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	return s, nil
}

// privateFile creates the database file 0600 before SQLite does (SQLite
// would create it 0644 under the usual umask), and tightens an existing
// one.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, storeFileMode)
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	return tightenMode(path)
}

func tightenMode(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store %s: %w", path, err)
	}
	if fi.Mode().Perm()&^storeFileMode != 0 {
		if err := os.Chmod(path, storeFileMode); err != nil {
			return fmt.Errorf("store %s: make it private (0600): %w", path, err)
		}
	}
	return nil
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	where := redactDSN(dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close() // the open error is the one worth reporting
		return nil, fmt.Errorf("connect to store %s: %w", where, err)
	}
	s := &Store{db: db, dialect: Postgres, where: where}
	if err := s.ensureMigrationsTable(ctx); err != nil {
		_ = db.Close() // the open error is the one worth reporting
		return nil, err
	}
	return s, nil
}

// redactDSN hides the password of a PostgreSQL URL, in its user
// information or its query (password=, sslpassword=), so it can be logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		if strings.Contains(dsn, "password") {
			return "(a PostgreSQL connection string)" // key=value form: too easy to get wrong
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	u.RawQuery = redactQuery(u.RawQuery, "xxxxx")
	return u.String()
}

func redactQuery(raw, with string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return ""
	}
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			if with == "" {
				q.Del(k)
			} else {
				q.Set(k, with)
			}
		}
	}
	return q.Encode()
}

// Locator is what another rootwatch command passes as --store to reach
// the same store: the SQLite file's absolute path, or the PostgreSQL URL
// without its password (the reader brings their own, from PGPASSWORD or
// ~/.pgpass). It is shown to people, so it never carries a secret.
func Locator(dsn string) string {
	if !isPostgres(dsn) {
		path := strings.TrimPrefix(dsn, "sqlite://")
		if path == "" {
			p, err := DefaultPath()
			if err != nil {
				return ""
			}
			path = p
		}
		if abs, err := filepath.Abs(path); err == nil {
			return abs
		}
		return path
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = redactQuery(u.RawQuery, "")
	return u.String()
}

// DB is the underlying handle, for the feature files' queries.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect tells which engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// String names the store for messages (never with a password).
func (s *Store) String() string { return s.dialect.String() + ":" + s.where }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) ensureMigrationsTable(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at BIGINT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("prepare store %s: %w", s, err)
	}
	return nil
}

// Migrate applies stmts once, in one transaction, under name. Features call
// it with their own DDL before first use; a later schema change is a new
// name with the ALTER statements.
func (s *Store) Migrate(ctx context.Context, name string, stmts ...string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			// Replicas starting together must not race on DDL.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7305) `); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, time.Now().Unix())
		return err
	})
}

// Tx runs fn in a transaction and commits it, or rolls back if fn fails.
func (s *Store) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s: begin: %w", s, err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return fmt.Errorf("store %s: %w (rollback: %w)", s, err, rbErr)
		}
		return fmt.Errorf("store %s: %w", s, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s: commit: %w", s, err)
	}
	return nil
}
