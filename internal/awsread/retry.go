package awsread

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// Retry bounds retries of throttled calls. The SDK's own retryer already
// retries; this layer exists because an organization-wide audit can
// exhaust it, and it makes the fakes (which have no SDK middleware)
// behave the same way.
type Retry struct {
	// Attempts is the total number of tries; 0 means 5.
	Attempts int
	// Base is the first backoff; each retry doubles it up to Max, with
	// full jitter. Zero means 200 ms and 10 s.
	Base, Max time.Duration
}

func (r Retry) attempts() int {
	if r.Attempts <= 0 {
		return 5
	}
	return r.Attempts
}

func (r Retry) backoff(try int) time.Duration {
	base, mx := r.Base, r.Max
	if base <= 0 {
		base = 200 * time.Millisecond
	}
	if mx <= 0 {
		mx = 10 * time.Second
	}
	d := base << min(try, 20)
	if d > mx || d <= 0 {
		d = mx
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

// do runs fn, retrying throttling with backoff, and turns a final failure
// into a *inventory.ReadError for action.
func do[T any](ctx context.Context, r Retry, action string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	for try := 0; ; try++ {
		v, err := fn(ctx)
		if err == nil {
			return v, nil
		}
		re := classify(action, err)
		if re.Kind != inventory.Throttled || sdkGaveUp(err) || try+1 >= r.attempts() || ctx.Err() != nil {
			return zero, re
		}
		t := time.NewTimer(r.backoff(try))
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, classify(action, ctx.Err())
		case <-t.C:
		}
	}
}

// sdkGaveUp reports whether the SDK's own retryer already made all its
// attempts: retrying on top of it would multiply the attempts (8 × 5 tries
// and minutes per call under sustained throttling). What the SDK does not
// retry itself — its retry quota ran out, or a fake without SDK
// middleware — is retried here.
func sdkGaveUp(err error) bool {
	var maxed *retry.MaxAttemptsError
	return errors.As(err, &maxed)
}

var throttleCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestThrottled": true, "RequestThrottledException": true, "TooManyRequestsException": true,
	"RequestLimitExceeded": true, "ProvisionedThroughputExceededException": true,
	"PriorRequestNotComplete": true, "SlowDown": true, "EC2ThrottledException": true,
	"LimitExceededException": true,
}

var deniedCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "AuthorizationError": true,
	"UnauthorizedOperation": true, "UnauthorizedException": true, "AuthorizationErrorException": true,
	"AccessDeniedForDependencyException": true,
}

// classify maps an SDK (or fake) error to a ReadError.
func classify(action string, err error) *inventory.ReadError {
	var re *inventory.ReadError
	if errors.As(err, &re) {
		return re
	}
	out := &inventory.ReadError{Action: action, Kind: inventory.Failed, Message: err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		out.Code, out.Message = ae.ErrorCode(), ae.ErrorMessage()
		switch {
		case throttleCodes[out.Code]:
			out.Kind = inventory.Throttled
		case deniedCodes[out.Code], strings.Contains(out.Message, "not authorized to perform"):
			out.Kind = inventory.Denied
		}
	}
	// The SDK's client-side retry budget runs dry under sustained
	// throttling; that is throttling too, and worth waiting out.
	var qe ratelimit.QuotaExceededError
	if out.Kind == inventory.Failed && (errors.As(err, &qe) || strings.Contains(err.Error(), "retry quota exceeded")) {
		out.Kind = inventory.Throttled
		if out.Code == "" {
			out.Code = "RetryQuotaExceeded"
		}
	}
	return out
}

// code returns the AWS error code of err, if any.
func code(err error) string {
	var re *inventory.ReadError
	if errors.As(err, &re) {
		return re.Code
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func readErr(err error) *inventory.ReadError {
	if err == nil {
		return nil
	}
	var re *inventory.ReadError
	if errors.As(err, &re) {
		return re
	}
	return &inventory.ReadError{Kind: inventory.Failed, Message: err.Error()}
}
