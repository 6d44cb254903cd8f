package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	awslambda "github.com/aws/aws-lambda-go/lambda"
	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/lambdamode"
)

// envLambdaRuntime is set by the Lambda service in every function's
// environment; its presence makes the binary a Lambda function.
const envLambdaRuntime = "AWS_LAMBDA_RUNTIME_API"

// NewCmdLambda runs the Lambda mode: as the function itself (what the
// bootstrap does automatically inside Lambda), or locally on recorded
// events with `lambda invoke`.
func NewCmdLambda(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lambda",
		Short: "Run as an AWS Lambda function (automatic inside Lambda), or invoke the handler locally",
		Long: `Run rootwatch as an AWS Lambda function (provided.al2023). Inside Lambda the binary
detects the runtime (` + envLambdaRuntime + `) and starts this mode by itself.

Configuration comes from environment variables: ` + lambdamode.EnvSNSTopicARN + ` (the SNS topic to
publish to), ` + lambdamode.EnvNotify + ` (more --notify specs, separated by ';'),
` + lambdamode.EnvNotifyLevel + `, ` + lambdamode.EnvConfig + ` (an inline notify section of rootwatch.yaml),
` + lambdamode.EnvOrgAccountNames + `. Any of them, and secrets such as ROOTWATCH_WEBHOOK_SECRET,
may be given as NAME_SSM: the name of an SSM parameter holding the value.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := lambdaHandler(cmd, f)
			if err != nil {
				return err
			}
			awslambda.StartWithOptions(h.Invoke, awslambda.WithContext(cmd.Context()))
			return nil
		},
	}
	cmd.AddCommand(newCmdLambdaInvoke(f))
	return cmd
}

func lambdaHandler(cmd *cobra.Command, f *Factory) (*lambdamode.Handler, error) {
	ctx := cmd.Context()
	cfg, err := f.AWSConfig(ctx, awsconfig.Options{})
	if err != nil {
		return nil, err
	}
	logger := f.Logger
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(f.ErrOut, nil))
	}
	return lambdamode.Setup(ctx, os.Environ(), cfg, f.Out, logger)
}

// newCmdLambdaInvoke runs the handler on event files, as Lambda would,
// with the same environment-based configuration; useful to test a
// deployment's configuration or a recorded event before deploying.
func newCmdLambdaInvoke(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "invoke EVENT.json...",
		Short:   "Run the Lambda handler locally on recorded events (EventBridge, SQS, CloudWatch Logs, S3)",
		Example: `  ROOTWATCH_NOTIFY=stdout: rootwatch lambda invoke internal/lambdamode/testdata/eventbridge-console-login.json`,
		Args:    usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			h, err := lambdaHandler(cmd, f)
			if err != nil {
				return err
			}
			for _, name := range args {
				payload, err := os.ReadFile(name)
				if err != nil {
					return fmt.Errorf("read event: %w", err)
				}
				out, err := h.Invoke(cmd.Context(), json.RawMessage(payload))
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				_, _ = fmt.Fprintf(f.ErrOut, "%s: %s\n", name, out)
			}
			return nil
		},
	}
}
