package scan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// isThrottle reports whether err is AWS asking us to slow down.
func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "ThrottledException":
		return true
	}
	return false
}

// explain turns an AWS error into a message that says what to do, naming
// the IAM action the call needs.
func explain(err error, action string) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AllAccessDisabled":
			return fmt.Errorf("access denied: grant %s (see docs/iam/scan-policy.json): %w", action, err)
		case "NoSuchBucket", "ResourceNotFoundException", "NoSuchKey":
			return fmt.Errorf("not found: %w", err)
		case "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException":
			return fmt.Errorf("AWS credentials rejected (refresh them or pick --profile): %w", err)
		}
	}
	return err
}

// Retry retries calls AWS throttles that the SDK's retryer did not
// already retry to its limit: listing a large bucket or every region of
// LookupEvents (2 requests a second) can run its retry quota dry, and the
// fakes have no SDK middleware. Retrying an error on which the SDK gave
// up would multiply the attempts (8 × 8 calls, minutes per call): one
// layer of retries, as internal/awsread does.
type Retry struct {
	Attempts int
	// Backoff returns the wait before attempt n (1-based); nil means
	// exponential from 200 ms, capped at 10 s.
	Backoff func(n int) time.Duration
}

func (r Retry) do(ctx context.Context, fn func() error) error {
	attempts := r.Attempts
	if attempts == 0 {
		attempts = 8
	}
	for n := 1; ; n++ {
		err := fn()
		if err == nil || !isThrottle(err) || sdkGaveUp(err) || n >= attempts {
			if err != nil && isThrottle(err) && !sdkGaveUp(err) {
				return fmt.Errorf("still throttled after %d attempts: %w", n, err)
			}
			return err
		}
		d := 200 * time.Millisecond << min(n-1, 6)
		if r.Backoff != nil {
			d = r.Backoff(n)
		}
		d = min(d, 10*time.Second)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// sdkGaveUp reports whether the SDK's retryer already made all its
// attempts on err.
func sdkGaveUp(err error) bool {
	var maxed *retry.MaxAttemptsError
	return errors.As(err, &maxed)
}
