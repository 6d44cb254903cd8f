// Package awsconfig loads aws-sdk-go-v2 configuration the way every
// rootwatch command needs it: the default credential chain (environment,
// shared config and credentials files, SSO, IMDS, container credentials),
// an optional named profile and region, AWS_ENDPOINT_URL (and the
// per-service AWS_ENDPOINT_URL_<SERVICE>) honoured by the SDK itself, and
// retries with backoff on throttling.
package awsconfig

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Options select a profile and a region; empty means the SDK's default.
type Options struct {
	Profile string
	Region  string
	// MaxAttempts bounds retries of throttled and transient failures;
	// 0 means DefaultMaxAttempts.
	MaxAttempts int
	// ResponseTimeout bounds one attempt's wait for an answer; 0 means
	// ResponseTimeout. Tests set it small.
	ResponseTimeout time.Duration
}

// DefaultMaxAttempts is higher than the SDK's 3 because organization-wide
// audits hit per-account API rate limits.
const DefaultMaxAttempts = 8

// ResponseTimeout bounds how long one HTTP attempt waits for AWS to start
// answering. The SDK's default client has no such bound, so an endpoint
// that accepts the connection and never replies (a stuck proxy, a wrong
// AWS_ENDPOINT_URL) would hang a command forever; every call rootwatch
// makes answers in well under a second. Long polls set their own wait
// (SQS ReceiveMessage waits at most 20 s), so the bound leaves room for it,
// and NoAnswerBound(ResponseTimeout) stays under a minute.
const ResponseTimeout = 25 * time.Second

// WithResponseTimeout returns cfg whose HTTP client gives up on an attempt
// that has not started answering after d, whose retryer gives such an
// endpoint NoAnswerAttempts attempts in all, and whose errors then name
// the endpoint (*NoAnswerError). A client the caller chose (anything but
// the SDK's buildable default) keeps its own timeouts.
func WithResponseTimeout(cfg aws.Config, d time.Duration) aws.Config {
	cfg = withNoAnswerBound(cfg.Copy(), d)
	c, ok := buildableClient(cfg)
	if !ok {
		return cfg
	}
	// The SDK dials for up to 30 s: a black-holed endpoint gets the same
	// bound as a silent one.
	cfg.HTTPClient = c.
		WithTransportOptions(func(tr *http.Transport) { tr.ResponseHeaderTimeout = d }).
		WithDialerOptions(func(dl *net.Dialer) {
			if dl.Timeout == 0 || dl.Timeout > d {
				dl.Timeout = d
			}
		})
	return cfg
}

// Load returns the SDK configuration for o.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = DefaultMaxAttempts
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.AddWithMaxAttempts(retry.NewStandard(), attempts)
		}),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// Global reads (STS, Organizations, IAM) need some region; us-east-1
		// is where AWS homes them.
		cfg.Region = "us-east-1"
	}
	timeout := o.ResponseTimeout
	if timeout <= 0 {
		timeout = ResponseTimeout
	}
	return WithResponseTimeout(cfg, timeout), nil
}

// WithIdleConnsPerHost returns cfg whose HTTP client keeps n idle
// connections per host. The SDK keeps 10: a client with more requests in
// flight than that closes connections as they finish and opens new ones
// (on AWS, each a TLS handshake). A client the caller chose (anything but
// the SDK's buildable default) is left as it is.
func WithIdleConnsPerHost(cfg aws.Config, n int) aws.Config {
	cfg = cfg.Copy()
	c, ok := buildableClient(cfg)
	if !ok {
		return cfg
	}
	cfg.HTTPClient = c.WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, n)
		if tr.MaxIdleConns != 0 {
			tr.MaxIdleConns = max(tr.MaxIdleConns, n)
		}
	})
	return cfg
}

// buildableClient is the config's HTTP client when it is the SDK's
// buildable default (or unset), the only kind rootwatch retunes.
func buildableClient(cfg aws.Config) (*awshttp.BuildableClient, bool) {
	if cfg.HTTPClient == nil {
		return awshttp.NewBuildableClient(), true
	}
	c, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	return c, ok
}
