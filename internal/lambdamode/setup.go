package lambdamode

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
)

// Setup builds the handler from the function's environment and the SDK
// configuration: the SNS topic and notifiers, detection, enrichment and
// S3 access, with clients from cfg (AWS_ENDPOINT_URL is honoured by the
// SDK).
func Setup(ctx context.Context, environ []string, cfg aws.Config, out io.Writer, logger *slog.Logger) (*Handler, error) {
	env, err := ResolveEnv(ctx, environ, ssm.NewFromConfig(cfg))
	if err != nil {
		return nil, err
	}
	c, err := LoadConfig(env)
	if err != nil {
		return nil, err
	}
	var nc build.Config
	if c.ConfigYAML != "" {
		if nc, err = build.ParseFile(EnvConfig, strings.NewReader(c.ConfigYAML)); err != nil {
			return nil, err
		}
	}
	if c.Level != "" {
		nc.Level = c.Level
	}
	set, err := build.Build(ctx, nc, c.Specs(), build.Deps{
		HTTP:   &http.Client{Timeout: 10 * time.Second},
		Out:    out,
		Getenv: func(k string) string { return env[k] },
		SNS: func(_ context.Context, region string) (sns.Publisher, error) {
			return awssns.NewFromConfig(cfg, func(o *awssns.Options) {
				if region != "" {
					o.Region = region
				}
			}), nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("notifiers: %w", err)
	}
	det, err := detect.New(nil)
	if err != nil {
		return nil, err
	}
	eo := enrich.Options{Alias: iam.NewFromConfig(cfg), Identity: sts.NewFromConfig(cfg), Logger: logger}
	if c.OrgAccountNames {
		eo.Org = organizations.NewFromConfig(cfg)
	}
	return New(Options{
		Detector:  det,
		Notifiers: set,
		Enricher:  enrich.New(eo),
		S3:        s3.NewFromConfig(cfg),
		Logger:    logger,
	})
}
