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

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// TestFixScenarioOverEndpoint is the judged sequence over the AWS wire
// protocols: the real SDK clients, awsconfig.Load with AWS_ENDPOINT_URL,
// a loopback emulator in front of the fake.
func TestFixScenarioOverEndpoint(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	before := e.state()
	srv := httptest.NewServer(awsemu.New(e.c))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIA"+fixAccount)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", fixRegion)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the journal key file
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	run := func(want int, contains string, args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		f := &Factory{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, IsTerminal: func(io.Writer) bool { return false },
			Now: time.Now, Getenv: os.Getenv, AWSConfig: awsconfig.Load}
		cmd := NewRootCmd(f)
		cmd.SetArgs(args)
		err := cmd.Execute()
		if code := exitcode.From(err); code != want || !strings.Contains(out.String()+errOut.String(), contains) {
			t.Fatalf("rootwatch %s: exit %d (%v), want %d and %q in:\n%s%s", strings.Join(args, " "), code, err, want, contains, out.String(), errOut.String())
		}
	}
	store := "--store=" + filepath.Join(t.TempDir(), "rw.db")
	run(exitcode.Findings, "FAIL", "audit", "--region", fixRegion, "--format", "csv")
	run(exitcode.OK, "5 change(s) made", "fix", "--region", fixRegion, store, "--yes", "--subscribe", fixQueue, "--email", "security@example.com")
	run(exitcode.OK, "PASS", "audit", "--region", fixRegion, "--format", "csv")
	run(exitcode.OK, "No changes.", "fix", "--region", fixRegion, store, "--yes", "--subscribe", fixQueue, "--email", "security@example.com")
	run(exitcode.OK, "1 change(s) made", "backout", "--disable-actions", store, "--yes")
	run(exitcode.Findings, "actions are disabled", "audit", "--region", fixRegion, "--format", "csv")
	run(exitcode.OK, "1 change(s) made", "backout", "--enable-actions", store, "--yes")
	run(exitcode.OK, "PASS", "audit", "--region", fixRegion, "--format", "csv")
	run(exitcode.OK, "PASS: CloudWatch published to", "verify", "--live", store)
	run(exitcode.OK, "5 change(s) made", "backout", "--remove", store, "--yes")
	if got := e.state(); got != before {
		t.Fatalf("after backout --remove the account differs:\n%s\nwant:\n%s", got, before)
	}
}
