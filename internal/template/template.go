// Package template generates deployable infrastructure for the two designs
// that monitor root usage: the CIS chain (metric filter → alarm → SNS) and
// EventBridge rules that trigger rootwatch as a Lambda function. Both come
// as CloudFormation (plain maps written with encoding/json, cfnmodel.go;
// the tests parse every output with goformation, which rejects unknown
// resource types and properties) or Terraform (HCL written with
// hclwrite), for one account or, with Org, a whole AWS Organization.
package template

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
)

// Design selects what to deploy.
type Design string

const (
	DesignCISAlarm    Design = "cis-alarm"
	DesignEventBridge Design = "eventbridge"
	// DesignWatchECS is the watch service itself on ECS Fargate (two
	// tasks, a PostgreSQL store, an SQS source): CloudFormation only.
	DesignWatchECS Design = "watch-ecs"
)

// Format selects the infrastructure-as-code language.
type Format string

const (
	FormatCloudFormation Format = "cloudformation"
	FormatTerraform      Format = "terraform"
)

// DefaultRegions are the commercial regions enabled by default in every
// account. Root console sign-ins are recorded in us-east-1, so it must
// always be covered.
var DefaultRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-southeast-1", "ap-southeast-2", "ca-central-1",
	"eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
	"sa-east-1",
}

// Options describe the stack to generate.
type Options struct {
	Design Design
	Format Format
	// Org generates an organization-wide deployment. For eventbridge: a
	// StackSet with service-managed permissions that reaches every member
	// account and region, and a self-managed one for the management
	// account. For cis-alarm: one chain on the organization trail's log
	// group (OrgTrailLogGroup), or with MemberTrails a StackSet that puts a
	// chain in every member on its own trail's log group.
	Org bool
	// OrgTrailLogGroup is the log group the organization trail delivers to,
	// in the account and region that own it; DefaultOrgTrailLogGroup when
	// empty (AWS Control Tower's).
	OrgTrailLogGroup string
	// MemberTrails selects, for cis-alarm --org, the shape without an
	// organization trail: each member's own trail and log group.
	MemberTrails bool
	// KMS adds a customer-managed key for the topic whose policy lets
	// CloudWatch (and the function) use it; alias/aws/sns cannot be used
	// by CloudWatch alarms.
	KMS bool
	// Emails are subscribed to the topic (each must confirm).
	Emails []string
	// Regions for Org deployments; DefaultRegions when empty.
	Regions []string
	// Architecture of the Lambda function: arm64 or x86_64.
	Architecture string
}

// DefaultOrgTrailLogGroup is where AWS Control Tower's organization trail
// delivers: one log group in the management account's home region that
// holds every member's events.
const DefaultOrgTrailLogGroup = "aws-controltower/CloudTrailLogs"

var (
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$`)
	logGroupRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`) // length (512) checked apart: {1,512} would compile 512 copies of the class at start-up
)

// Validate rejects options that would produce a template AWS refuses.
func (o *Options) Validate() error {
	var errs []error
	switch o.Design {
	case DesignCISAlarm, DesignEventBridge:
	case DesignWatchECS:
		if o.Format == FormatTerraform {
			errs = append(errs, errors.New("design watch-ecs is CloudFormation only (for Terraform or Kubernetes see deploy/)"))
		}
		if o.Org || o.KMS || len(o.Emails) > 0 || len(o.Regions) > 0 {
			errs = append(errs, errors.New("design watch-ecs takes no --org, --kms, --email or --regions: one service in one account and region, alerting through its notifier"))
		}
	default:
		errs = append(errs, fmt.Errorf("design %q: want cis-alarm, eventbridge or watch-ecs", o.Design))
	}
	switch o.Format {
	case FormatCloudFormation, FormatTerraform:
	default:
		errs = append(errs, fmt.Errorf("format %q: want cloudformation or terraform", o.Format))
	}
	for _, e := range o.Emails {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			errs = append(errs, fmt.Errorf("email %q is not a plain address (name@example.com)", e))
		}
	}
	for _, r := range o.Regions {
		if !regionRE.MatchString(r) {
			errs = append(errs, fmt.Errorf("region %q is not a region name like eu-west-1", r))
		}
	}
	if o.MemberTrails && (!o.Org || o.Design != DesignCISAlarm) {
		errs = append(errs, errors.New("member trails apply to --design cis-alarm --org only"))
	}
	if o.OrgTrailLogGroup != "" && (!o.orgTrail() || !logGroupRE.MatchString(o.OrgTrailLogGroup) || len(o.OrgTrailLogGroup) > 512) {
		errs = append(errs, fmt.Errorf("organization trail log group %q: want a log group name, with --design cis-alarm --org (and without member trails)", o.OrgTrailLogGroup))
	}
	switch o.Architecture {
	case "", "arm64", "x86_64":
	default:
		errs = append(errs, fmt.Errorf("architecture %q: want arm64 or x86_64", o.Architecture))
	}
	return errors.Join(errs...)
}

func (o *Options) regions() []string {
	rs := o.Regions
	if len(rs) == 0 && o.Design == DesignCISAlarm {
		// The chain lives where the trail delivers: its home region.
		rs = []string{"us-east-1"}
	}
	if len(rs) == 0 {
		rs = DefaultRegions
	}
	if !slices.Contains(rs, "us-east-1") && o.Design == DesignEventBridge {
		// Console sign-ins (ConsoleLogin) for root land in us-east-1.
		rs = append([]string{"us-east-1"}, rs...)
	}
	return rs
}

// orgTrail reports whether the template is the one chain on an
// organization trail's log group.
func (o *Options) orgTrail() bool {
	return o.Org && o.Design == DesignCISAlarm && !o.MemberTrails
}

func (o *Options) orgTrailLogGroup() string {
	if o.OrgTrailLogGroup == "" {
		return DefaultOrgTrailLogGroup
	}
	return o.OrgTrailLogGroup
}

func (o *Options) architecture() string {
	if o.Architecture == "" {
		return "arm64"
	}
	return o.Architecture
}

// Render produces the template text.
func Render(o Options) ([]byte, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	switch o.Format {
	case FormatTerraform:
		return renderTerraform(o)
	default:
		return renderCloudFormation(o)
	}
}

// FileName suggests a file name for the rendered template.
func FileName(o Options) string {
	name := "rootwatch-" + string(o.Design)
	if o.Org {
		name += "-org"
	}
	if o.Format == FormatTerraform {
		return name + ".tf"
	}
	return name + ".json"
}

// logicalID makes a CloudFormation logical ID from an email address.
func logicalID(prefix, s string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
