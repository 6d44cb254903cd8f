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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Options select a profile and a region; empty means the SDK's default.
type Options struct {
	Profile string
	Region  string
	// MaxAttempts bounds retries of throttled and transient failures;
	// 0 means DefaultMaxAttempts.
	MaxAttempts int
}

// DefaultMaxAttempts is higher than the SDK's 3 because organization-wide
// audits hit per-account API rate limits.
const DefaultMaxAttempts = 8

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
	return cfg, nil
}
