package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/template"
)

type templateOptions struct {
	design, format, output, arch string
	orgTrailLogGroup             string
	org, kms, memberTrails       bool
	emails, regions              []string
}

// NewCmdTemplate prints deployable CloudFormation or Terraform for either
// design.
func NewCmdTemplate(f *Factory) *cobra.Command {
	opts := &templateOptions{}
	cmd := &cobra.Command{
		Use:   "template",
		Short: "Generate CloudFormation or Terraform for the CIS alarm chain, the EventBridge + Lambda design or watch on ECS",
		Long: `Generate infrastructure as code that monitors root usage.

  --design cis-alarm     metric filter on your CloudTrail log group, alarm, SNS topic
                         (with a policy that lets CloudWatch publish), optional KMS key
  --design eventbridge   EventBridge rules for root API calls and console sign-ins that
                         invoke rootwatch's Lambda mode, SNS topic, dead-letter queue and
                         alarms on function errors and dead letters
  --design watch-ecs     rootwatch watch on ECS Fargate (CloudFormation only): two tasks on
                         one PostgreSQL store reading an SQS queue of CloudTrail file
                         notifications; store URL and notifier URL from Secrets Manager or
                         SSM; non-root, read-only root file system, healthcheck, awslogs

--org makes it organization-wide. eventbridge: a service-managed StackSet forwards every
member account's and region's root activity to a central event bus, and a self-managed
StackSet does the same for the management account, where service-managed StackSets never
deploy. cis-alarm: one chain on the organization trail's log group (AWS Control Tower's
aws-controltower/CloudTrailLogs unless --org-trail-log-group), deployed in the account and
region that own it; --member-trails instead puts a chain in every member on its own trail.`,
		Example: `  rootwatch template --design cis-alarm --format cloudformation > cis.json
  rootwatch template --design eventbridge --format terraform --org --kms -o rootwatch.tf
  rootwatch template --design watch-ecs -o rootwatch-watch-ecs.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return templateRun(f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.design, "design", string(template.DesignCISAlarm), "cis-alarm, eventbridge or watch-ecs")
	fl.StringVar(&opts.format, "format", string(template.FormatCloudFormation), "cloudformation or terraform")
	fl.BoolVar(&opts.org, "org", false, "organization-wide: a service-managed StackSet over every account")
	fl.StringVar(&opts.orgTrailLogGroup, "org-trail-log-group", "", "cis-alarm --org: the organization trail's log group (default "+template.DefaultOrgTrailLogGroup+", AWS Control Tower's)")
	fl.BoolVar(&opts.memberTrails, "member-trails", false, "cis-alarm --org without an organization trail: a StackSet puts the chain in every member on its own trail's log group")
	fl.BoolVar(&opts.kms, "kms", false, "encrypt the topic with a customer-managed KMS key that CloudWatch may use")
	fl.StringArrayVar(&opts.emails, "email", nil, "email address to subscribe to alerts (repeatable)")
	fl.StringSliceVar(&opts.regions, "regions", nil, "regions for --org deployments (default: every default-enabled region for eventbridge, us-east-1 for cis-alarm)")
	fl.StringVar(&opts.arch, "architecture", "arm64", "Lambda (or watch-ecs task) architecture: arm64 or x86_64")
	fl.StringVarP(&opts.output, "output", "o", "", "write to this file instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("design", cobra.FixedCompletions([]string{"cis-alarm", "eventbridge", "watch-ecs"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"cloudformation", "terraform"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func templateRun(f *Factory, opts *templateOptions) error {
	o := template.Options{
		Design:           template.Design(opts.design),
		Format:           template.Format(opts.format),
		Org:              opts.org,
		MemberTrails:     opts.memberTrails,
		OrgTrailLogGroup: opts.orgTrailLogGroup,
		KMS:              opts.kms,
		Emails:           opts.emails,
		Regions:          opts.regions,
		Architecture:     opts.arch,
	}
	if err := o.Validate(); err != nil {
		return exitcode.Usagef("%v", err)
	}
	out, err := template.Render(o)
	if err != nil {
		return err
	}
	if opts.output == "" {
		_, err = f.Out.Write(out)
		return err
	}
	if err := os.WriteFile(opts.output, out, 0o644); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	_, _ = fmt.Fprintf(f.ErrOut, "wrote %s (%d bytes)\n", opts.output, len(out))
	return nil
}
