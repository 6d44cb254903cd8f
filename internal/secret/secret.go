// Package secret holds credentials (webhook URLs, tokens, passwords) in a
// type that cannot leak by accident: every way Go prints, marshals or logs a
// value shows a placeholder, and only Reveal gives the real text.
package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what a non-empty Secret prints as.
const Redacted = "[REDACTED]"

// Secret is a string that prints, marshals and logs as Redacted. It
// unmarshals from plain text (YAML, JSON, flags) so configs stay simple.
type Secret string

// Reveal returns the secret text. Call it only where the secret is sent to
// its receiver, never to build a message or an error.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether no secret was given.
func (s Secret) IsZero() bool { return s == "" }

func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// String makes %s and %v print the placeholder.
func (s Secret) String() string { return s.redacted() }

// GoString makes %#v print the placeholder.
func (s Secret) GoString() string { return `secret.Secret("` + s.redacted() + `")` }

// Format covers every verb, including the ones fmt would otherwise answer
// with the raw value ("%!d(secret.Secret=hunter2)"). Width and flags are
// honoured for layout.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	format := "%"
	for _, flag := range "-+ 0" {
		if f.Flag(int(flag)) {
			format += string(flag)
		}
	}
	if w, ok := f.Width(); ok {
		format += fmt.Sprint(w)
	}
	if verb == 'q' {
		_, _ = fmt.Fprintf(f, format+"q", s.redacted())
		return
	}
	_, _ = fmt.Fprintf(f, format+"s", s.redacted())
}

// MarshalText covers every encoder that honours encoding.TextMarshaler.
// (encoding/json writes string-kinded map keys directly, so never key a map
// by a Secret.)
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalJSON is explicit so that a config dump never contains the secret.
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(`"` + s.redacted() + `"`), nil
}

// MarshalYAML keeps yaml.v3 (which does not use MarshalText for strings)
// from writing the secret.
func (s Secret) MarshalYAML() (any, error) { return s.redacted(), nil }

// UnmarshalText accepts the plain secret text.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}

// LogValue makes slog print the placeholder whatever the handler.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

var (
	_ slog.LogValuer = Secret("")
	_ fmt.Formatter  = Secret("")
)
