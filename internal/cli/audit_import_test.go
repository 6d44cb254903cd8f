package cli

import (
	"bytes"
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
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// TestAuditImportSecurityHubOverEndpoint runs `audit --org
// --import-securityhub` as main does, through the SDK and the loopback
// endpoint: every finding lands in its own account and region (the
// member's through the assumed role), a second run keeps CreatedAt, and a
// member whose role cannot be assumed fails the run naming its findings.
func TestAuditImportSecurityHubOverEndpoint(t *testing.T) {
	const third = "333333333333"
	c := awsfake.New()
	c.AddAccount(cliMgmt, "management")
	c.AddAccount(cliMember, "workload")
	c.SetOrganization("o-test", cliMgmt)
	c.AddCISChain(cliMgmt, cliRegion, true)
	srv := httptest.NewServer(awsemu.New(c))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIA"+cliMgmt)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	dir := t.TempDir()
	storeFile := filepath.Join(dir, "rw.db")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	run := func() (int, string) {
		var out, errOut bytes.Buffer
		f := &Factory{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, IsTerminal: func(io.Writer) bool { return false },
			Now: func() time.Time { return now }, Getenv: os.Getenv, AWSConfig: awsconfig.Load}
		cmd := NewRootCmd(f)
		cmd.SetArgs([]string{"audit", "--org", "--region", cliRegion, "--format", "asff", "-o", filepath.Join(dir, "f.json"),
			"--store", storeFile, "--import-securityhub"})
		err := cmd.Execute()
		msg := errOut.String()
		if err != nil {
			msg += err.Error()
		}
		return exitcode.From(err), msg
	}
	code, msg := run()
	if code != exitcode.OK || !strings.Contains(msg, "imported 2 finding(s)") {
		t.Fatalf("first run: exit %d\n%s", code, msg)
	}
	for _, a := range []string{cliMgmt, cliMember} {
		fs := c.Findings(a, cliRegion)
		if len(fs) != 1 {
			t.Fatalf("account %s holds %d findings in %s", a, len(fs), cliRegion)
		}
		for _, f := range fs {
			if aws.ToString(f.AwsAccountId) != a || !strings.Contains(aws.ToString(f.ProductArn), ":securityhub:"+cliRegion+":"+a+":") {
				t.Errorf("finding %s: account %s, product %s", aws.ToString(f.Id), aws.ToString(f.AwsAccountId), aws.ToString(f.ProductArn))
			}
		}
	}

	// A day later: the same findings, CreatedAt kept, UpdatedAt now.
	now = now.Add(24 * time.Hour)
	c.AddAccount(third, "no-role")
	c.Edit(func(c *awsfake.Cloud) { delete(c.Accounts[third].Roles, "OrganizationAccountAccessRole") })
	code, msg = run()
	if code != exitcode.Error || !strings.Contains(msg, third) || !strings.Contains(msg, "AccessDenied") {
		t.Fatalf("second run: exit %d, want 1 naming %s's refused findings\n%s", code, third, msg)
	}
	for _, f := range c.Findings(cliMember, cliRegion) {
		if aws.ToString(f.CreatedAt) != "2026-12-01T09:00:00Z" || aws.ToString(f.UpdatedAt) != "2026-12-02T09:00:00Z" {
			t.Errorf("CreatedAt %s UpdatedAt %s", aws.ToString(f.CreatedAt), aws.ToString(f.UpdatedAt))
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "f.json"))
	if err != nil || !strings.Contains(string(b), `"CreatedAt": "2026-12-01T09:00:00Z"`) {
		t.Errorf("ASFF file does not keep CreatedAt from the store:\n%s", b)
	}
}
