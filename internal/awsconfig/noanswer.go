package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// NoAnswerAttempts is how many attempts a request gets when the endpoint
// accepts it and never answers. The standard retryer treats a timeout like
// any transient error and would try DefaultMaxAttempts times, each waiting
// the full response timeout: minutes of silence before a command says
// anything. An endpoint that said nothing for a whole timeout rarely
// answers the third time; one retry covers a dropped connection.
const NoAnswerAttempts = 2

// maxFirstRetryDelay is the standard retryer's longest wait before the
// second attempt (exponential jitter: up to 2^1 s).
const maxFirstRetryDelay = 2 * time.Second

// NoAnswerBound is the longest a call waits on a silent endpoint before it
// fails: NoAnswerAttempts response timeouts and the backoff between them.
func NoAnswerBound(responseTimeout time.Duration) time.Duration {
	return NoAnswerAttempts*responseTimeout + (NoAnswerAttempts-1)*maxFirstRetryDelay
}

// NoAnswerError says which endpoint did not answer, and for how long, so a
// wrong AWS_ENDPOINT_URL or a stuck proxy is named rather than buried in a
// transport error. It carries the endpoint's scheme and host only: never a
// path, query or user information.
type NoAnswerError struct {
	Endpoint string
	Timeout  time.Duration
	Attempts int
	Err      error
}

func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("no answer from %s: %d attempt(s), each waited %s for a response; check AWS_ENDPOINT_URL, proxy settings and the network: %v",
		e.Endpoint, e.Attempts, e.Timeout, e.Err)
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

// noAnswer reports whether err is an attempt that timed out waiting for the
// endpoint (no response headers, no TLS handshake, no connection). net/http
// makes its timeouts match context.DeadlineExceeded too, so the caller's
// own deadline is told apart by its context, not by the error.
func noAnswer(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// endpointOf returns scheme://host of the request that err reports, or ""
// when err names none.
func endpointOf(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return ""
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// noAnswerRetryer stops retrying a request whose endpoint stayed silent
// after NoAnswerAttempts attempts; every other error keeps the wrapped
// retryer's policy.
type noAnswerRetryer struct{ aws.Retryer }

func (r noAnswerRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= NoAnswerAttempts && noAnswer(err) {
		return 0, err
	}
	return r.Retryer.RetryDelay(attempt, err)
}

// GetAttemptToken keeps the wrapped retryer's RetryerV2 behaviour (the
// retry middleware prefers it to GetInitialToken).
func (r noAnswerRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if v2, ok := r.Retryer.(aws.RetryerV2); ok {
		return v2.GetAttemptToken(ctx)
	}
	return r.GetInitialToken(), nil
}

const noAnswerMiddlewareID = "rootwatch.NoAnswer"

// noAnswerMiddleware sits outside the retry middleware, so it sees the
// final error of all attempts and names the endpoint in it.
type noAnswerMiddleware struct{ timeout time.Duration }

func (noAnswerMiddleware) ID() string { return noAnswerMiddlewareID }

func (m noAnswerMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleFinalize(ctx, in)
	if !noAnswer(err) || ctx.Err() != nil {
		return out, md, err
	}
	attempts := 1
	if rs, ok := retry.GetAttemptResults(md); ok && len(rs.Results) > 0 {
		attempts = len(rs.Results)
	}
	endpoint := endpointOf(err)
	if endpoint == "" {
		endpoint = "the AWS endpoint"
	}
	return out, md, &NoAnswerError{Endpoint: endpoint, Timeout: m.timeout, Attempts: attempts, Err: err}
}

// addNoAnswerMiddleware replaces any earlier copy, so the last
// WithResponseTimeout applied to a configuration decides the timeout its
// errors report.
func addNoAnswerMiddleware(timeout time.Duration) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		_, _ = s.Finalize.Remove(noAnswerMiddlewareID)
		m := noAnswerMiddleware{timeout: timeout}
		if _, ok := s.Finalize.Get("Retry"); ok {
			return s.Finalize.Insert(m, "Retry", middleware.Before)
		}
		return s.Finalize.Add(m, middleware.Before)
	}
}

// withNoAnswerBound caps the attempts a silent endpoint gets and names it
// in the error. A nil retryer is the SDK's standard one, capped the same.
func withNoAnswerBound(cfg aws.Config, timeout time.Duration) aws.Config {
	prev := cfg.Retryer
	cfg.Retryer = func() aws.Retryer {
		var r aws.Retryer
		if prev != nil {
			r = prev()
		} else {
			r = retry.NewStandard()
		}
		if _, capped := r.(noAnswerRetryer); capped {
			return r
		}
		return noAnswerRetryer{r}
	}
	// Clip: cfg is a shallow copy, so appending in place could write into
	// the caller's slice.
	cfg.APIOptions = append(slices.Clip(cfg.APIOptions), addNoAnswerMiddleware(timeout))
	return cfg
}
