package store

// Journal rows are authenticated with an HMAC-SHA256 whose key lives
// outside the store. Anyone who can write the store (a shared PostgreSQL
// database, a SQLite file on a shared machine) could otherwise insert a
// row that says "rootwatch created alarm X" and have backout --remove
// delete a customer's alarm. With the key on the operator's machine (or
// in their secret store) a forged or altered row fails its check and
// backout refuses it.
//
// The MAC covers what backout acts on: the row's identity (run and
// sequence), the command of its run, where and what the resource is, the
// action and both states, the result and the status. It leaves out
// reverted_by and the timestamps, which mark a row done with rather than
// make it act: clearing reverted_by only offers backout a change whose
// live resource it checks again before touching it.

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Auth is the result of checking a journal row's MAC.
type Auth string

// Row authentication results.
const (
	// AuthValid: the row carries a MAC made with this key.
	AuthValid Auth = "valid"
	// AuthInvalid: the row carries a MAC that does not match: it was
	// forged or changed after rootwatch wrote it, or another key signed it.
	AuthInvalid Auth = "invalid"
	// AuthUnsigned: the row has no MAC (written before rows were signed,
	// or by a journal opened without a key).
	AuthUnsigned Auth = "unsigned"
	// AuthUnchecked: the journal was opened without a key, so nothing
	// could be checked.
	AuthUnchecked Auth = "unchecked"
)

// JournalKeySize is the size of a generated key (HMAC-SHA256's block is
// larger, but 32 random bytes is the strength SHA-256 offers).
const JournalKeySize = 32

// EnvJournalKey holds the key itself (hex), for services that take
// secrets from the environment; it wins over the key file.
const EnvJournalKey = "ROOTWATCH_JOURNAL_KEY"

// DefaultKeyPath is where the key is kept when none is named: beside the
// user's configuration ($XDG_CONFIG_HOME/rootwatch/journal.key, else
// ~/.config/rootwatch/journal.key), never in the store it protects.
func DefaultKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory for the journal key: %w", err)
	}
	return filepath.Join(dir, "rootwatch", "journal.key"), nil
}

// ParseJournalKey reads a key given as hex (at least 32 bytes).
func ParseJournalKey(s string) ([]byte, error) {
	k, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("journal key: not hex: %w", err)
	}
	if len(k) < JournalKeySize {
		return nil, fmt.Errorf("journal key: %d bytes, need at least %d", len(k), JournalKeySize)
	}
	return k, nil
}

// LoadJournalKey reads the key file at path. When create is set and the
// file does not exist, a new random key is written there 0600 (its
// directory 0700). A key file that others may read or write is refused,
// as ssh refuses a private key: the key is only worth its secrecy.
func LoadJournalKey(path string, create bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		return createJournalKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("journal key %s: mode %o lets other users read or change it; chmod 600 it", path, fi.Mode().Perm())
	}
	k, err := ParseJournalKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func createJournalKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	k := make([]byte, JournalKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("journal key: %w", err)
	}
	// O_EXCL: two processes starting together must not each write a key
	// and sign with different ones; the loser reads the winner's.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadJournalKey(path, false)
	}
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	_, werr := f.WriteString(hex.EncodeToString(k) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, werr)
	}
	return k, nil
}

// macOf is the row's MAC: each field length-prefixed, so no two rows
// encode alike.
func macOf(key []byte, c *Change) string {
	h := hmac.New(sha256.New, key)
	var n [8]byte
	for _, f := range []string{"rootwatch-journal-v1", c.RunID, fmt.Sprint(c.Seq), c.Command, c.Account, c.Region,
		c.Kind, c.Resource, c.Action, c.Before, c.After, c.Result, c.Status} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (j *Journal) sign(c *Change) string {
	if j.key == nil {
		return ""
	}
	return macOf(j.key, c)
}

func (j *Journal) check(c *Change) Auth {
	switch {
	case j.key == nil:
		return AuthUnchecked
	case c.MAC == "":
		return AuthUnsigned
	case hmac.Equal([]byte(c.MAC), []byte(macOf(j.key, c))):
		return AuthValid
	}
	return AuthInvalid
}
