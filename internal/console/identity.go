package console

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"os"
	"strings"
)

// Roles. An approver may also view.
const (
	RoleViewer   = "viewer"
	RoleApprover = "approver"
)

// Identity is who is logged in.
type Identity struct {
	Subject string `json:"subject"`
	Name    string `json:"name,omitempty"`
	Role    string `json:"role"`
	// Via is how they logged in: oidc or token.
	Via string `json:"via"`
}

// ID is the identity as approvers name it (watch.CheckApprover):
// console:SUBJECT.
func (i Identity) ID() string { return "console:" + i.Subject }

// validSubject keeps subjects an approver entry can name and a decision
// record can carry unambiguously: printable, no spaces, no = or , (the
// approver list's separators), no parentheses (the "principal (identity)"
// form of a decision), at most 200 bytes.
func validSubject(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("=,()", r) {
			return false
		}
	}
	return true
}

// Token is one entry of the static token file.
type Token struct {
	Role    string
	Subject string
	hash    [32]byte
}

// MinTokenLen is the shortest token accepted: a token is a password that
// scripts send, so it must not be guessable.
const MinTokenLen = 32

// ReadTokenFile reads the static token file: one "ROLE SUBJECT TOKEN" per
// line (# comments, blank lines ignored). Like every secret file it must
// not be readable by other users.
func ReadTokenFile(path string) ([]Token, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("console token file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("console token file %s: mode %o lets other users read or change it; chmod 600 it", path, fi.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("console token file: %w", err)
	}
	defer func() { _ = f.Close() }()
	ts, err := ParseTokens(f)
	if err != nil {
		return nil, fmt.Errorf("console token file %s: %w", path, err)
	}
	return ts, nil
}

// ParseTokens reads token lines (see ReadTokenFile).
func ParseTokens(r io.Reader) ([]Token, error) {
	var out []Token
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want ROLE SUBJECT TOKEN", n)
		}
		if f[0] != RoleViewer && f[0] != RoleApprover {
			return nil, fmt.Errorf("line %d: role %q: want viewer or approver", n, f[0])
		}
		if !validSubject(f[1]) {
			return nil, fmt.Errorf("line %d: subject %q: no spaces, =, comma or parentheses", n, f[1])
		}
		if len(f[2]) < MinTokenLen {
			return nil, fmt.Errorf("line %d: token shorter than %d characters (make one with: openssl rand -hex 32)", n, MinTokenLen)
		}
		for _, t := range out {
			if t.hash == sha256.Sum256([]byte(f[2])) {
				return nil, fmt.Errorf("line %d: token used twice", n)
			}
		}
		out = append(out, Token{Role: f[0], Subject: f[1], hash: sha256.Sum256([]byte(f[2]))})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// matchToken finds the entry of token, comparing in constant time against
// every entry (hashes of equal length, no early exit) so the time taken
// says nothing about how close a guess was.
func matchToken(tokens []Token, token string) (Identity, bool) {
	h := sha256.Sum256([]byte(token))
	found := -1
	for i := range tokens {
		if subtle.ConstantTimeCompare(tokens[i].hash[:], h[:]) == 1 {
			found = i
		}
	}
	if found < 0 || token == "" {
		return Identity{}, false
	}
	t := tokens[found]
	return Identity{Subject: t.Subject, Role: t.Role, Via: "token"}, true
}
