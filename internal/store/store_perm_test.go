package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestHostileSQLiteFilesArePrivate: the database and its -wal and -shm files are
// 0600, whatever the umask, and a file an older version left 0644 is
// tightened on open.
func TestHostileSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	for name, pre := range map[string]bool{"new": false, "old-0644": true} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rootwatch.db")
			if pre {
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path+"-wal", nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Migrate(ctx, "t-v1", `CREATE TABLE t (k TEXT PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO t (k) VALUES ($1)`, "a"); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != 0o600 {
					t.Errorf("%s: mode %o, want 600", filepath.Base(f), got)
				}
			}
		})
	}
}

// TestHostileDefaultStoreRefusesSymlink: a symbolic link planted at the default
// path (or as its directory) is refused; the same link named with --store
// is the user's choice and opens.
func TestHostileDefaultStoreRefusesSymlink(t *testing.T) {
	ctx := context.Background()
	elsewhere := filepath.Join(t.TempDir(), "elsewhere.db")
	for name, plant := range map[string]func(state string) error{
		"file": func(state string) error {
			if err := os.MkdirAll(filepath.Join(state, "rootwatch"), 0o700); err != nil {
				return err
			}
			return os.Symlink(elsewhere, filepath.Join(state, "rootwatch", "rootwatch.db"))
		},
		"directory": func(state string) error { return os.Symlink(t.TempDir(), filepath.Join(state, "rootwatch")) },
	} {
		t.Run(name, func(t *testing.T) {
			state := t.TempDir()
			t.Setenv("XDG_STATE_HOME", state)
			if err := plant(state); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(ctx, ""); !errors.Is(err, ErrSymlink) {
				t.Fatalf("Open(default) through a symlink: err = %v, want ErrSymlink", err)
			}
			path, _ := DefaultPath()
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open(%s) named explicitly: %v", path, err)
			}
			_ = s.Close()
		})
	}
}
