// Package notify defines how alerts leave rootwatch: one small interface
// that every notifier (one subpackage each) implements, and the error type
// that tells the outbox whether a failed delivery is worth retrying.
package notify

import (
	"context"
	"errors"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// Notifier delivers one alert. A nil error means the receiver accepted it.
// Implementations return *Error (or wrap one) to say whether to retry;
// any other error is treated as retryable.
type Notifier interface {
	Notify(ctx context.Context, a alert.Alert) error
}

// Error is a failed delivery. Its message must never contain a secret
// (webhook URL, token, password).
type Error struct {
	Retryable bool
	Err       error
	// RetryAfter is how long the receiver asked us to wait (HTTP
	// Retry-After); zero when it did not say.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether a delivery that failed with err should be tried
// again later. Unknown errors are retryable: dropping an alert is worse
// than sending it twice.
func Retryable(err error) bool {
	var ne *Error
	if errors.As(err, &ne) {
		return ne.Retryable
	}
	return err != nil
}

// Permanent wraps err as a failure that retrying cannot fix (4xx, bad config).
func Permanent(err error) error { return &Error{Retryable: false, Err: err} }

// Temporary wraps err as a failure worth retrying (5xx, timeouts, throttling).
func Temporary(err error) error { return &Error{Retryable: true, Err: err} }

// RetryAfter returns the wait the receiver asked for before the next
// attempt, or zero.
func RetryAfter(err error) time.Duration {
	var ne *Error
	if errors.As(err, &ne) {
		return ne.RetryAfter
	}
	return 0
}
