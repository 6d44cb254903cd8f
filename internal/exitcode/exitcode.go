// Package exitcode names every process exit status rootwatch uses, in one
// place, and carries a status through an error to main.
package exitcode

import (
	"errors"
	"fmt"
)

// Exit statuses. Commands that report a result (scan, audit) use OK,
// Findings and Partial; pattern test follows grep (Matched, NoMatch, Usage).
const (
	OK       = 0 // success; nothing found; all checks PASS
	Error    = 1 // the command failed
	Usage    = 2 // bad flags or arguments, invalid filter pattern
	Findings = 3 // root activity found (scan) or a check FAILed (audit)
	Partial  = 4 // the result is incomplete: unreadable input (scan) or UNKNOWN links (audit)

	// Unrepaired is fix's status when links remain that fix cannot repair
	// by itself (a trail prerequisite, a pending confirmation, no endpoint
	// to subscribe, an unusable KMS key): the audit would still FAIL them,
	// so it is audit's Findings status, and fix prints the manual step.
	Unrepaired = Findings

	// NoControl is backout's status when it is asked to switch the
	// actions of the alarm that implements the control and nothing
	// implements it: the audit FAILs that account, so it is Findings.
	NoControl = Findings

	Matched = 0 // pattern test: at least one event matched
	NoMatch = 1 // pattern test: no event matched
)

// StatusError is an error that carries the exit status main must use. Err
// may be nil when the status is a result rather than a failure (findings).
type StatusError struct {
	Code int
	Err  error
}

func (e *StatusError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *StatusError) Unwrap() error { return e.Err }

// New returns an error that makes main exit with code. A nil err means the
// status is a verdict, and main prints nothing for it.
func New(code int, err error) error { return &StatusError{Code: code, Err: err} }

// Usagef is a usage error (exit 2) with a message.
func Usagef(format string, args ...any) error {
	return &StatusError{Code: Usage, Err: fmt.Errorf(format, args...)}
}

// From maps an error to an exit status: nil is OK, a StatusError gives its
// code, anything else is Error.
func From(err error) int {
	if err == nil {
		return OK
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return Error
}

// Silent reports whether err is a verdict with nothing to print.
func Silent(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Err == nil
}
