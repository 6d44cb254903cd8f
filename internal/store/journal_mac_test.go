package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// TestHostileJournalDetectsForgedRows: on SQLite and on PostgreSQL, a row
// inserted straight into the store (as anyone who can write a shared
// database could), a signed row altered afterwards, and a row signed with
// another key all fail the check; rootwatch's own rows pass; a row from
// before signing is reported unsigned.
func TestHostileJournalDetectsForgedRows(t *testing.T) {
	key := bytes.Repeat([]byte{7}, store.JournalKeySize)
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			j, err := store.OpenSignedJournal(ctx, s, nil, key)
			if err != nil {
				t.Fatal(err)
			}
			run, err := j.StartRun(ctx, "fix", "--yes")
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range []string{"RootAccountUsage", "altered"} {
				c, err := run.Begin(ctx, store.Change{Account: "1", Region: "r", Kind: "alarm", Resource: res, Action: "create", After: `{"name":"` + res + `"}`})
				if err != nil {
					t.Fatal(err)
				}
				if err := run.Finish(ctx, &c, "", nil); err != nil {
					t.Fatal(err)
				}
			}
			_ = run.Close(ctx, store.RunDone)
			// The attacker's rows: a forged one with a made-up MAC, an old
			// unsigned one, and a legitimate row pointed at another resource.
			ins := `INSERT INTO journal_changes (run_id, seq, account, region, kind, resource, action, before_state, after_state, result, status, error, reverted_by, started_at, finished_at, mac)
				VALUES ($1, $2, '1', 'r', 'alarm', $3, 'create', '', '{}', '', 'done', '', '', 1, 2, $4)`
			for seq, row := range map[int][2]string{3: {"CustomerAlarm", strings.Repeat("ab", 32)}, 4: {"OldAlarm", ""}} {
				if _, err := s.DB().ExecContext(ctx, ins, run.ID, seq, row[0], row[1]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.DB().ExecContext(ctx, `UPDATE journal_changes SET resource = 'CustomerTopic' WHERE resource = 'altered'`); err != nil {
				t.Fatal(err)
			}
			got, err := j.Changes(ctx, store.ChangeQuery{})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]store.Auth{"RootAccountUsage": store.AuthValid, "CustomerTopic": store.AuthInvalid, "CustomerAlarm": store.AuthInvalid, "OldAlarm": store.AuthUnsigned}
			if len(got) != len(want) {
				t.Fatalf("changes = %+v", got)
			}
			for _, c := range got {
				if c.Auth != want[c.Resource] {
					t.Errorf("%s: auth %s, want %s", c.Resource, c.Auth, want[c.Resource])
				}
			}
			other, err := store.OpenSignedJournal(ctx, s, nil, bytes.Repeat([]byte{8}, store.JournalKeySize))
			if err != nil {
				t.Fatal(err)
			}
			got, _ = other.Changes(ctx, store.ChangeQuery{})
			for _, c := range got {
				if c.Auth == store.AuthValid {
					t.Errorf("%s passes with another key", c.Resource)
				}
			}
		})
	}
}

// TestJournalKeyFile: the key is created once, 0600, and read back the
// same; a key file others can read is refused.
func TestJournalKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg", "rootwatch", "journal.key")
	k1, err := store.LoadJournalKey(path, true)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %o", err, fi.Mode().Perm())
	}
	k2, err := store.LoadJournalKey(path, true)
	if err != nil || !bytes.Equal(k1, k2) || len(k1) != store.JournalKeySize {
		t.Fatalf("second load: %x, %v; first %x", k2, err, k1)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.LoadJournalKey(path, false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key: err = %v", err)
	}
	if _, err := store.LoadJournalKey(filepath.Join(t.TempDir(), "none"), false); err == nil {
		t.Fatal("a missing key file without create: no error")
	}
	if _, err := store.ParseJournalKey("abcd"); err == nil {
		t.Fatal("a 2-byte key was accepted")
	}
}
