package template

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/rootwatch/rootwatch/internal/cis"
)

var update = flag.Bool("update", false, "rewrite golden files")

type variant struct {
	name string
	opts Options
	// resource types the output must carry
	cfnTypes []string
	tfTypes  []string
	cfnOnly  bool // no Terraform form
}

var variants = []variant{
	{
		name: "cis-alarm",
		opts: Options{Design: DesignCISAlarm, Emails: []string{"security@example.com"}},
		cfnTypes: []string{"AWS::Logs::MetricFilter", "AWS::CloudWatch::Alarm", "AWS::SNS::Topic",
			"AWS::SNS::TopicPolicy", "AWS::SNS::Subscription"},
		tfTypes: []string{"aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm", "aws_sns_topic",
			"aws_sns_topic_policy", "aws_sns_topic_subscription"},
	},
	{
		name:     "cis-alarm-kms",
		opts:     Options{Design: DesignCISAlarm, KMS: true},
		cfnTypes: []string{"AWS::Logs::MetricFilter", "AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "AWS::KMS::Key", "AWS::KMS::Alias"},
		tfTypes:  []string{"aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_sns_topic_policy", "aws_kms_key", "aws_kms_alias"},
	},
	{
		name:     "cis-alarm-org",
		opts:     Options{Design: DesignCISAlarm, Org: true},
		cfnTypes: []string{"AWS::Logs::MetricFilter", "AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy"},
		tfTypes:  []string{"aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_sns_topic_policy"},
	},
	{
		name:     "cis-alarm-org-member-trails",
		opts:     Options{Design: DesignCISAlarm, Org: true, MemberTrails: true},
		cfnTypes: []string{"AWS::CloudFormation::StackSet"},
		tfTypes:  []string{"aws_cloudformation_stack_set", "aws_cloudformation_stack_set_instance"},
	},
	{
		name: "eventbridge",
		opts: Options{Design: DesignEventBridge, KMS: true},
		cfnTypes: []string{"AWS::Events::Rule", "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::IAM::Role",
			"AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::CloudWatch::Alarm",
			"AWS::Logs::LogGroup", "AWS::KMS::Key"},
		tfTypes: []string{"aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_lambda_function", "aws_lambda_permission",
			"aws_iam_role", "aws_iam_role_policy", "aws_sns_topic", "aws_sns_topic_policy", "aws_sqs_queue", "aws_sqs_queue_policy",
			"aws_cloudwatch_metric_alarm", "aws_cloudwatch_log_group", "aws_kms_key"},
	},
	{
		name: "eventbridge-org",
		opts: Options{Design: DesignEventBridge, Org: true, Regions: []string{"eu-west-1", "eu-central-1"}, Architecture: "x86_64"},
		cfnTypes: []string{"AWS::Events::EventBus", "AWS::Events::EventBusPolicy", "AWS::Events::Rule", "AWS::Lambda::Function",
			"AWS::CloudFormation::StackSet", "AWS::SQS::Queue", "AWS::CloudWatch::Alarm"},
		tfTypes: []string{"aws_cloudwatch_event_bus", "aws_cloudwatch_event_bus_policy", "aws_cloudwatch_event_rule",
			"aws_lambda_function", "aws_cloudformation_stack_set", "aws_cloudformation_stack_set_instance"},
	},
	{
		name: "watch-ecs",
		opts: Options{Design: DesignWatchECS},
		cfnTypes: []string{"AWS::ECS::Cluster", "AWS::ECS::TaskDefinition", "AWS::ECS::Service", "AWS::IAM::Role",
			"AWS::EC2::SecurityGroup", "AWS::Logs::LogGroup"},
		cfnOnly: true,
	},
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file; run go test ./internal/template -update and review the diff", path)
	}
}

func TestCloudFormationVariants(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			o := v.opts
			o.Format = FormatCloudFormation
			out, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, v.name+".json", out)
			tmpl, err := goformation.ParseJSON(out)
			if err != nil {
				t.Fatalf("goformation cannot parse the output: %v", err)
			}
			var types []string
			for _, r := range tmpl.Resources {
				types = append(types, r.AWSCloudFormationType())
			}
			for _, want := range v.cfnTypes {
				if !slices.Contains(types, want) {
					t.Errorf("missing resource type %s (have %v)", want, types)
				}
			}
			checkCFNContent(t, v, out)
		})
	}
}

// checkCFNContent checks the properties that make each design work.
func checkCFNContent(t *testing.T, v variant, out []byte) {
	t.Helper()
	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	byType := map[string][]map[string]any{}
	for _, r := range doc.Resources {
		byType[r.Type] = append(byType[r.Type], r.Properties)
	}
	if v.opts.Org {
		for _, ss := range byType["AWS::CloudFormation::StackSet"] {
			if pm := ss["PermissionModel"]; pm != "SERVICE_MANAGED" && pm != "SELF_MANAGED" {
				t.Errorf("StackSet PermissionModel = %v", pm)
			}
			body, _ := ss["TemplateBody"].(string)
			if _, err := goformation.ParseJSON([]byte(body)); err != nil {
				t.Errorf("StackSet TemplateBody does not parse: %v", err)
			}
			if len(body) > 51200 {
				t.Errorf("TemplateBody is %d bytes, over CloudFormation's 51,200", len(body))
			}
			if v.opts.Design == DesignEventBridge && !strings.Contains(body, "AWS::Events::Rule") {
				t.Error("member template has no forwarding rules")
			}
		}
	}
	switch v.opts.Design {
	case DesignCISAlarm:
		if v.opts.MemberTrails {
			return
		}
		mf := byType["AWS::Logs::MetricFilter"][0]
		if mf["FilterPattern"] != cis.RootUsagePattern {
			t.Errorf("FilterPattern = %v", mf["FilterPattern"])
		}
		al := byType["AWS::CloudWatch::Alarm"][0]
		for k, want := range map[string]any{"Statistic": "Sum", "Period": 300.0, "Threshold": 1.0, "EvaluationPeriods": 1.0,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "Namespace": "CISBenchmark", "MetricName": "RootAccountUsage"} {
			if al[k] != want {
				t.Errorf("alarm %s = %v, want %v", k, al[k], want)
			}
		}
	case DesignEventBridge:
		var detailTypes []string
		for _, r := range byType["AWS::Events::Rule"] {
			p := r["EventPattern"].(map[string]any)
			detailTypes = append(detailTypes, p["detail-type"].([]any)[0].(string))
			d := p["detail"].(map[string]any)
			if d["userIdentity"].(map[string]any)["type"].([]any)[0] != "Root" {
				t.Errorf("rule pattern does not select Root: %v", p)
			}
		}
		slices.Sort(detailTypes)
		if !slices.Equal(detailTypes, []string{detailTypeAPI, detailTypeSignIn}) {
			t.Errorf("rules cover %v", detailTypes)
		}
		fn := byType["AWS::Lambda::Function"][0]
		if fn["Runtime"] != "provided.al2023" || fn["Handler"] != "bootstrap" {
			t.Errorf("function runtime/handler = %v/%v", fn["Runtime"], fn["Handler"])
		}
		env := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
		if _, ok := env[topicEnvVar]; !ok {
			t.Errorf("function environment lacks %s", topicEnvVar)
		}
	}
}

func TestTerraformVariants(t *testing.T) {
	for _, v := range variants {
		if v.cfnOnly {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			o := v.opts
			o.Format = FormatTerraform
			out, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, v.name+".tf", out)
			f, diags := hclsyntax.ParseConfig(out, v.name+".tf", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatalf("HCL does not parse: %v", diags)
			}
			body := f.Body.(*hclsyntax.Body)
			var types []string
			for _, b := range body.Blocks {
				if b.Type == "resource" {
					types = append(types, b.Labels[0])
				}
			}
			for _, want := range v.tfTypes {
				if !slices.Contains(types, want) {
					t.Errorf("missing resource %s (have %v)", want, types)
				}
			}
			if v.opts.Design == DesignCISAlarm && !v.opts.MemberTrails {
				for _, b := range body.Blocks {
					if b.Type == "resource" && b.Labels[0] == "aws_cloudwatch_log_metric_filter" {
						val, diags := b.Body.Attributes["pattern"].Expr.Value(nil)
						if diags.HasErrors() || val.AsString() != cis.RootUsagePattern {
							t.Errorf("metric filter pattern = %v %v", val, diags)
						}
					}
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"bad design", Options{Design: "x", Format: FormatTerraform}, `design "x"`},
		{"bad format", Options{Design: DesignCISAlarm, Format: "yaml"}, `format "yaml"`},
		{"bad email", Options{Design: DesignCISAlarm, Format: FormatTerraform, Emails: []string{"not-an-email"}}, `email "not-an-email"`},
		{"bad region", Options{Design: DesignCISAlarm, Format: FormatTerraform, Regions: []string{"mars-1"}}, `region "mars-1"`},
		{"bad arch", Options{Design: DesignEventBridge, Format: FormatTerraform, Architecture: "386"}, `architecture "386"`},
		{"watch-ecs terraform", Options{Design: DesignWatchECS, Format: FormatTerraform}, "CloudFormation only"},
		{"watch-ecs org", Options{Design: DesignWatchECS, Format: FormatCloudFormation, Org: true}, "takes no --org"},
		{"watch-ecs email", Options{Design: DesignWatchECS, Format: FormatCloudFormation, Emails: []string{"a@example.com"}}, "--email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %s", err, tc.want)
			}
		})
	}
}

func TestOrgEventBridgeAlwaysCoversUSEast1(t *testing.T) {
	o := Options{Design: DesignEventBridge, Org: true, Regions: []string{"eu-west-1"}}
	if got := o.regions(); !slices.Contains(got, "us-east-1") {
		t.Fatalf("regions = %v: console sign-ins are recorded in us-east-1", got)
	}
}

// Service-managed StackSets never deploy to the management account, so
// every region an organization-wide EventBridge template lists for the
// members must also be covered in the management account itself: by a
// self-managed StackSet aimed at the deploying (management) account, whose
// template forwards both kinds of root event.
func TestOrgEventBridgeCoversManagementAccountInEveryRegion(t *testing.T) {
	for _, regions := range [][]string{nil, {"eu-west-1"}, {"eu-west-1", "ap-south-1", "us-east-1"}} {
		o := Options{Design: DesignEventBridge, Org: true, Regions: regions}
		t.Run(strings.Join(o.regions(), ","), func(t *testing.T) {
			o.Format = FormatCloudFormation
			out, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Resources map[string]struct {
					Type       string
					Properties struct {
						PermissionModel     string
						ExecutionRoleName   any
						TemplateBody        string
						StackInstancesGroup []struct {
							DeploymentTargets struct {
								Accounts              []any
								OrganizationalUnitIds []any
							}
							Regions []string
						}
					}
				}
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			memberRegions := map[string]bool{}
			mgmtRegions := map[string]bool{}
			for _, r := range doc.Resources {
				if r.Type != "AWS::CloudFormation::StackSet" {
					continue
				}
				p := r.Properties
				for _, g := range p.StackInstancesGroup {
					for _, reg := range g.Regions {
						switch {
						case p.PermissionModel == "SERVICE_MANAGED":
							memberRegions[reg] = true
						case p.PermissionModel == "SELF_MANAGED" && len(g.DeploymentTargets.Accounts) == 1 &&
							reflectEqualJSON(g.DeploymentTargets.Accounts[0], map[string]any{"Ref": "AWS::AccountId"}) &&
							strings.Contains(p.TemplateBody, detailTypeAPI) && strings.Contains(p.TemplateBody, detailTypeSignIn) &&
							p.ExecutionRoleName != nil:
							mgmtRegions[reg] = true
						}
					}
				}
			}
			if len(memberRegions) == 0 {
				t.Fatal("no member StackSet")
			}
			for reg := range memberRegions {
				if !mgmtRegions[reg] {
					t.Errorf("CloudFormation: management account not covered in %s", reg)
				}
			}

			o.Format = FormatTerraform
			tf, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			f, diags := hclsyntax.ParseConfig(tf, "org.tf", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			var covered bool
			for _, b := range f.Body.(*hclsyntax.Body).Blocks {
				if b.Type != "resource" || b.Labels[0] != "aws_cloudformation_stack_set_instance" || b.Labels[1] != "management" {
					continue
				}
				acct, okA := b.Body.Attributes["account_id"]
				each, okE := b.Body.Attributes["for_each"]
				covered = okA && okE &&
					string(acct.Expr.Range().SliceBytes(tf)) == "data.aws_caller_identity.current.account_id" &&
					string(each.Expr.Range().SliceBytes(tf)) == "toset(var.regions)"
			}
			if !covered {
				t.Error("Terraform: no stack set instance for the management account over var.regions")
			}
		})
	}
}

func reflectEqualJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// With an organization trail (AWS Control Tower's by default), cis-alarm
// --org is one chain on that trail's log group, not a StackSet expecting a
// log group in every member.
func TestOrgCISAlarmIsOneChainOnTheOrganizationTrail(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Design: DesignCISAlarm, Org: true}, DefaultOrgTrailLogGroup},
		{Options{Design: DesignCISAlarm, Org: true, OrgTrailLogGroup: "org/trail-logs"}, "org/trail-logs"},
	} {
		o := tc.opts
		o.Format = FormatCloudFormation
		out, err := Render(o)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Parameters map[string]struct{ Default any }
			Resources  map[string]struct{ Type string }
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, r := range doc.Resources {
			n[r.Type]++
		}
		if n["AWS::Logs::MetricFilter"] != 1 || n["AWS::CloudWatch::Alarm"] != 1 || n["AWS::CloudFormation::StackSet"] != 0 {
			t.Errorf("%s: resources %v, want one filter and alarm and no StackSet", tc.want, n)
		}
		if got := doc.Parameters["LogGroupName"].Default; got != tc.want {
			t.Errorf("LogGroupName default = %v, want %s", got, tc.want)
		}
		o.Format = FormatTerraform
		tf, err := Render(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`default     = "` + tc.want + `"`, "allowed_account_ids = [var.org_trail_account_id]", "region              = var.org_trail_region"} {
			if !bytes.Contains(tf, []byte(want)) {
				t.Errorf("Terraform lacks %s", want)
			}
		}
		if bytes.Contains(tf, []byte("aws_cloudformation_stack_set")) {
			t.Error("Terraform still has a member StackSet")
		}
	}
}

func TestValidateOrgTrailOptions(t *testing.T) {
	for _, o := range []Options{
		{Design: DesignEventBridge, Format: FormatTerraform, Org: true, MemberTrails: true},
		{Design: DesignCISAlarm, Format: FormatTerraform, MemberTrails: true},
		{Design: DesignCISAlarm, Format: FormatTerraform, Org: true, MemberTrails: true, OrgTrailLogGroup: "x"},
		{Design: DesignCISAlarm, Format: FormatTerraform, Org: true, OrgTrailLogGroup: "bad name with spaces"},
		{Design: DesignEventBridge, Format: FormatTerraform, Org: true, OrgTrailLogGroup: "x"},
	} {
		if _, err := Render(o); err == nil {
			t.Errorf("%+v rendered", o)
		}
	}
}
