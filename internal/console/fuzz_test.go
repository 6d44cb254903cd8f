package console

import (
	"strings"
	"testing"
)

// The token file is a parser of text an operator writes: it must never
// panic, and whatever it accepts must be a usable entry.
func FuzzParseTokens(f *testing.F) {
	f.Add("approver alice " + approverToken + "\n# comment\n\nviewer bob " + viewerToken)
	f.Add("viewer a=b " + viewerToken)
	f.Add("viewer \x00 " + viewerToken)
	f.Fuzz(func(t *testing.T, text string) {
		ts, err := ParseTokens(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, tk := range ts {
			if (tk.Role != RoleViewer && tk.Role != RoleApprover) || !validSubject(tk.Subject) {
				t.Fatalf("accepted %+v from %q", tk, text)
			}
		}
	})
}

// A cookie value is attacker input: opening one never panics, and nothing
// but a value this console sealed opens.
func FuzzOpenCookie(f *testing.F) {
	s, err := newSigner()
	if err != nil {
		f.Fatal(err)
	}
	good, err := s.seal(sessionCookie, session{Identity: Identity{Subject: "alice", Role: RoleApprover}, CSRF: "x", Expires: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("e30.")
	f.Add(".")
	f.Fuzz(func(t *testing.T, v string) {
		var got session
		if err := s.open(sessionCookie, v, &got); err == nil && v != good {
			t.Fatalf("%q opened as %+v", v, got)
		}
	})
}
