package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestSQLiteMigrateAndPlaceholders(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 2 { // idempotent
		if err := s.Migrate(ctx, "t-v1", `CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, "a", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, "a", 2); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := s.DB().QueryRowContext(ctx, `SELECT v FROM t WHERE k = $1`, "a").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != 2 {
		t.Fatalf("v = %d, want 2", v)
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@h:5432/db": "postgres://u:xxxxx@h:5432/db",
		"postgres://u@h/db":             "postgres://u@h/db",
		"postgres://h/db":               "postgres://h/db",
		"postgres://u:secret@h/db?sslmode=require&password=hunter2": "postgres://u:xxxxx@h/db?password=xxxxx&sslmode=require",
		"postgres://h/db?sslpassword=k3y":                           "postgres://h/db?sslpassword=xxxxx",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// Locator is shown to approvers as the --store to pass: never a secret.
func TestLocator(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@h:5432/db?sslmode=require&password=x": "postgres://u@h:5432/db?sslmode=require",
		"postgresql://h/db":   "postgresql://h/db",
		"/var/lib/rw/rw.db":   "/var/lib/rw/rw.db",
		"sqlite:///tmp/rw.db": "/tmp/rw.db",
	} {
		if got := Locator(in); got != want {
			t.Errorf("Locator(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Locator("rel/rw.db"); !filepath.IsAbs(got) {
		t.Errorf("Locator of a relative path = %q, want it absolute", got)
	}
}
