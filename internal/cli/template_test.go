package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// testFactory returns a factory with captured output and no real I/O.
func tmplTestFactory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{
		In:         strings.NewReader(""),
		Out:        out,
		ErrOut:     errOut,
		IsTerminal: func(io.Writer) bool { return false },
		Now:        func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) },
		Getenv:     func(string) string { return "" },
	}, out, errOut
}

func tmplRunCLI(t *testing.T, f *Factory, args ...string) error {
	t.Helper()
	root := NewRootCmd(f)
	root.SetArgs(args)
	return root.ExecuteContext(context.Background())
}

func TestTemplateCommand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"cis cloudformation", []string{"template"}, exitcode.OK, `"AWS::Logs::MetricFilter"`},
		{"eventbridge terraform", []string{"template", "--design", "eventbridge", "--format", "terraform"}, exitcode.OK, `resource "aws_lambda_function" "root_activity"`},
		{"org stackset", []string{"template", "--design", "eventbridge", "--org"}, exitcode.OK, `"SERVICE_MANAGED"`},
		{"org management account", []string{"template", "--design", "eventbridge", "--org"}, exitcode.OK, `"SELF_MANAGED"`},
		{"cis org trail", []string{"template", "--org"}, exitcode.OK, `"Default": "aws-controltower/CloudTrailLogs"`},
		{"cis org trail named", []string{"template", "--org", "--org-trail-log-group", "org/trail"}, exitcode.OK, `"Default": "org/trail"`},
		{"cis member trails", []string{"template", "--org", "--member-trails"}, exitcode.OK, `"AWS::CloudFormation::StackSet"`},
		{"member trails without org", []string{"template", "--member-trails"}, exitcode.Usage, ""},
		{"bad design", []string{"template", "--design", "nope"}, exitcode.Usage, ""},
		{"watch on ecs", []string{"template", "--design", "watch-ecs"}, exitcode.OK, `"AWS::ECS::TaskDefinition"`},
		{"watch on ecs is cloudformation only", []string{"template", "--design", "watch-ecs", "--format", "terraform"}, exitcode.Usage, ""},
		{"bad email", []string{"template", "--email", "x"}, exitcode.Usage, ""},
		{"unknown flag", []string{"template", "--nope"}, exitcode.Usage, ""},
		{"extra arg", []string{"template", "extra"}, exitcode.Usage, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, out, _ := tmplTestFactory()
			err := tmplRunCLI(t, f, tc.args...)
			if got := exitcode.From(err); got != tc.wantCode {
				t.Fatalf("exit %d (%v), want %d", got, err, tc.wantCode)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("output lacks %q", tc.wantOut)
			}
		})
	}
}
