package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// binary is the rootwatch executable TestMain builds.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "rootwatch-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "rootwatch")
	// The go command that runs this test builds the binary; "go" on PATH
	// is the fallback when GOROOT is not exported.
	goTool := "go"
	if root := os.Getenv("GOROOT"); root != "" {
		goTool = filepath.Join(root, "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", binary, "github.com/rootwatch/rootwatch/cmd/rootwatch")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build rootwatch:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const (
	mgmt   = "111111111111"
	member = "222222222222"
	home   = "eu-west-1"
)

// regions keeps runs short: the chain lives in home, and a second region
// proves a multi-region trail is credited everywhere.
var regions = []string{home, "us-east-1"}

// env is one emulated AWS: its state, the endpoint, and a home directory
// per test so no profile, cache or journal leaks between runs.
type env struct {
	t     *testing.T
	cloud *awsfake.Cloud
	emu   *awsemu.Server
	url   string
	home  string
	// key is the access key commands sign with.
	key string
	// unset drops variables from the command's environment.
	unset map[string]bool
}

func newEnv(t *testing.T, cloud *awsfake.Cloud) *env {
	t.Helper()
	for _, a := range cloud.Accounts {
		a.Regions = regions
	}
	emu := awsemu.New(cloud)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &env{t: t, cloud: cloud, emu: emu, url: srv.URL, home: t.TempDir(), key: "AKIA" + mgmt}
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// run executes rootwatch with a clean environment: nothing from the
// test process (no AWS_PROFILE, no ~/.aws) reaches it.
func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runWithin(60*time.Second, args...)
}

// runWithin is run with a deadline other than the default minute.
func (e *env) runWithin(limit time.Duration, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = []string{
		"HOME=" + e.home,
		"XDG_STATE_HOME=" + filepath.Join(e.home, ".local", "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(e.home, ".config"),
		"AWS_ENDPOINT_URL=" + e.url,
		"AWS_ACCESS_KEY_ID=" + e.key,
		"AWS_SECRET_ACCESS_KEY=emulator-secret",
		"AWS_REGION=" + home,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(e.home, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(e.home, "no-aws-credentials"),
		"TZ=UTC",
	}
	kept := cmd.Env[:0]
	for _, kv := range cmd.Env {
		if name, _, _ := strings.Cut(kv, "="); !e.unset[name] {
			kept = append(kept, kv)
		}
	}
	cmd.Env = kept
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		e.t.Fatalf("run rootwatch %v: %v", args, err)
	}
	if ctx.Err() != nil {
		e.t.Fatalf("rootwatch %v did not finish in time:\n%s", args, r)
	}
	return r
}

// golden compares got with testdata/<name>, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
