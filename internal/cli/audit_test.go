package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

func TestAuditFlags(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int // -1: parsed fine
		check    func(t *testing.T, o *AuditOptions)
	}{
		{args: nil, wantCode: -1, check: func(t *testing.T, o *AuditOptions) {
			if o.Format != "table" || o.RoleName != "OrganizationAccountAccessRole" || o.Concurrency != 16 || o.Org {
				t.Errorf("defaults = %+v", o)
			}
		}},
		{args: []string{"--org", "--role-name", "AWSControlTowerExecution", "--concurrency", "4", "--format", "sarif", "-o", "x.sarif"}, wantCode: -1, check: func(t *testing.T, o *AuditOptions) {
			if !o.Org || o.RoleName != "AWSControlTowerExecution" || o.Concurrency != 4 || o.Format != "sarif" || o.Output != "x.sarif" {
				t.Errorf("opts = %+v", o)
			}
		}},
		{args: []string{"--regions", "eu-west-1,us-east-1", "--profile", "prod"}, wantCode: -1, check: func(t *testing.T, o *AuditOptions) {
			if len(o.Regions) != 2 || o.Regions[1] != "us-east-1" || o.Profile != "prod" {
				t.Errorf("opts = %+v", o)
			}
		}},
		{args: []string{"--format", "yaml"}, wantCode: exitcode.Usage},
		{args: []string{"--regions", "eu-west-1,eu-west-9"}, wantCode: exitcode.Usage},
		{args: []string{"--regions", "eu-west-1,us-east"}, wantCode: exitcode.Usage},
		{args: []string{"--regions", "af-south-1,cn-north-1"}, wantCode: -1, check: func(t *testing.T, o *AuditOptions) {
			if len(o.Regions) != 2 {
				t.Errorf("opt-in and China regions refused: %+v", o.Regions)
			}
		}},
		{args: []string{"--strict", "--format", "csv", "--csv-raw"}, wantCode: -1, check: func(t *testing.T, o *AuditOptions) {
			if !o.Strict || !o.CSVRaw {
				t.Errorf("opts = %+v", o)
			}
		}},
		{args: []string{"--csv-raw"}, wantCode: exitcode.Usage},
		{args: []string{"--region", "eu-west-1", "--regions", "us-east-1"}, wantCode: exitcode.Usage},
		{args: []string{"--concurrency", "0", "--org"}, wantCode: exitcode.Usage},
		{args: []string{"--role-name", "X"}, wantCode: exitcode.Usage},
		{args: []string{"--bogus"}, wantCode: exitcode.Usage},
		{args: []string{"extra"}, wantCode: exitcode.Usage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &Factory{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, IsTerminal: func(io.Writer) bool { return false }}
			var got *AuditOptions
			cmd := newCmdAudit(f, func(_ context.Context, o *AuditOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(f.Out)
			cmd.SetErr(f.ErrOut)
			cmd.SetFlagErrorFunc(flagError)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.Execute()
			if tt.wantCode >= 0 {
				if exitcode.From(err) != tt.wantCode {
					t.Fatalf("err = %v (code %d), want code %d", err, exitcode.From(err), tt.wantCode)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("err = %v", err)
			}
			tt.check(t, got)
		})
	}
}

const (
	cliMgmt   = "111111111111"
	cliMember = "222222222222"
	cliRegion = "eu-west-1"
)

func runAudit(t *testing.T, c *awsfake.Cloud, o AuditOptions) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	o.Out, o.ErrOut = &out, &errOut
	o.Dial = func(context.Context, *AuditOptions) (awsread.Dialer, error) { return c.Dialer(cliMgmt), nil }
	o.Retry = awsread.Retry{Attempts: 3, Base: time.Microsecond, Max: time.Microsecond}
	if o.Format == "" {
		o.Format = "json"
	}
	if o.RoleName == "" {
		o.RoleName = awsread.DefaultRoleName
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if len(o.Regions) == 0 && o.Region == "" {
		o.Regions = []string{cliRegion, "us-east-1"}
	}
	err := auditRun(context.Background(), &o)
	if err != nil && !exitcode.Silent(err) {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), exitcode.From(err)
}

func TestAuditRun(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(c *awsfake.Cloud)
		o        AuditOptions
		wantCode int
		want     string
	}{
		{name: "compliant", setup: func(c *awsfake.Cloud) {}, wantCode: exitcode.OK, want: `"status": "PASS"`},
		{name: "actions disabled", setup: func(c *awsfake.Cloud) {
			c.Edit(func(c *awsfake.Cloud) {
				f := false
				c.Accounts[cliMgmt].Region(cliRegion).Alarms["RootAccountUsage"].ActionsEnabled = &f
			})
		}, wantCode: exitcode.Findings, want: "actions are disabled"},
		{name: "denied", setup: func(c *awsfake.Cloud) { c.Deny(cliMgmt, "sns:ListSubscriptionsByTopic") }, wantCode: exitcode.Partial, want: "missing permission sns:ListSubscriptionsByTopic"},
		{name: "table", setup: func(c *awsfake.Cloud) {}, o: AuditOptions{Format: "table"}, wantCode: exitcode.OK, want: "1 account(s): 1 PASS"},
		// CIS and Security Hub do not check the period: PASS with a
		// warning, exit 0; --strict turns the warning into a FAIL, exit 3.
		{name: "hourly period", setup: hourly, o: AuditOptions{Format: "table"}, wantCode: exitcode.OK, want: "[alarm-period-over-300s] its period is 3600 s"},
		{name: "hourly period, strict", setup: hourly, o: AuditOptions{Format: "table", Strict: true}, wantCode: exitcode.Findings, want: "alarm         FAIL    alarm RootAccountUsage: Sum >= 1 over 3600 s"},
		{name: "filter counting every API call", setup: func(c *awsfake.Cloud) {
			c.Edit(func(c *awsfake.Cloud) {
				for _, f := range c.Accounts[cliMgmt].Region(cliRegion).LogGroups[awsfake.ChainLogGroup].Filters {
					f.FilterPattern = aws.String(`{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS) || $.eventType != "AwsServiceEvent" }`)
				}
			})
		}, o: AuditOptions{Format: "table"}, wantCode: exitcode.Findings, want: `counts events that are not root's`},
		{name: "cannot identify", setup: func(c *awsfake.Cloud) { c.Deny(cliMgmt, "sts:GetCallerIdentity") }, wantCode: exitcode.Error, want: "identify the caller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := awsfake.New()
			c.AddAccount(cliMgmt, "management")
			c.AddCISChain(cliMgmt, cliRegion, false)
			tt.setup(c)
			out, errOut, code := runAudit(t, c, tt.o)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("code = %d, want %d; output does not contain %q:\n%s\n%s", code, tt.wantCode, tt.want, out, errOut)
			}
		})
	}
}

func hourly(c *awsfake.Cloud) {
	c.Edit(func(c *awsfake.Cloud) {
		c.Accounts[cliMgmt].Region(cliRegion).Alarms["RootAccountUsage"].Period = aws.Int32(3600)
	})
}

func TestAuditOrgToFile(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(cliMgmt, "management")
	c.AddAccount(cliMember, "workload")
	c.SetOrganization("o-test", cliMgmt)
	c.AddCISChain(cliMgmt, cliRegion, true)
	path := filepath.Join(t.TempDir(), "report.json")
	out, errOut, code := runAudit(t, c, AuditOptions{Org: true, Output: path, Progress: true})
	if code != exitcode.OK {
		t.Fatalf("code = %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "audited 2/2 accounts") || !strings.Contains(errOut, "wrote "+path) {
		t.Errorf("stderr = %q, want progress and a summary", errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Accounts []struct {
			Account   string `json:"account"`
			Status    string `json:"status"`
			CoveredBy string `json:"covered_by"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Accounts) != 2 || rep.Accounts[1].Account != cliMember || rep.Accounts[1].Status != "PASS" ||
		rep.Accounts[1].CoveredBy != "trail management-events in account 111111111111" {
		t.Errorf("member not credited with the organization trail:\n%s", b)
	}
}

// TestAuditCommandOverEndpoint runs the whole command as main does: flags,
// awsconfig.Load with the default credential chain and AWS_ENDPOINT_URL,
// the SDK clients, the loopback endpoint.
func TestAuditCommandOverEndpoint(t *testing.T) {
	c := awsfake.New()
	c.AddAccount(cliMgmt, "management")
	c.AddCISChain(cliMgmt, cliRegion, false)
	c.Edit(func(c *awsfake.Cloud) {
		c.Accounts[cliMgmt].Region(cliRegion).Alarms["RootAccountUsage"].Namespace = aws.String("LogMetrics")
	})
	srv := httptest.NewServer(awsemu.New(c))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIA"+cliMgmt)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	var out, errOut bytes.Buffer
	f := &Factory{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, IsTerminal: func(io.Writer) bool { return false },
		Now: time.Now, Getenv: os.Getenv, AWSConfig: awsconfig.Load}
	cmd := NewRootCmd(f)
	cmd.SetArgs([]string{"audit", "--region", cliRegion, "--format", "csv"})
	err := cmd.Execute()
	if code := exitcode.From(err); code != exitcode.Findings {
		t.Fatalf("exit = %d (%v), want 3\n%s%s", code, err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "alarm RootAccountUsage watches RootAccountUsage in namespace LogMetrics") {
		t.Errorf("csv = %s", out.String())
	}
}
