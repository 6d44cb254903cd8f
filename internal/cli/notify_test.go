package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

func notifyFactory(env map[string]string) (*Factory, *bytes.Buffer) {
	out := &bytes.Buffer{}
	return &Factory{
		In:         strings.NewReader(""),
		Out:        out,
		ErrOut:     &bytes.Buffer{},
		IsTerminal: func(io.Writer) bool { return false },
		Now:        func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) },
		Getenv:     func(k string) string { return env[k] },
	}, out
}

func TestNotifyTestFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     notifyTestOptions
		wantCode int
		wantErr  string
	}{
		{name: "specs", args: []string{"--notify", "stdout:", "--notify", "slack:https://h/x"},
			want: notifyTestOptions{Specs: []string{"stdout:", "slack:https://h/x"}, Timeout: 30 * time.Second}},
		{name: "config and only", args: []string{"--config", "rw.yaml", "--only", "a,b", "--timeout", "5s", "--profile", "sec"},
			want: notifyTestOptions{ConfigFile: "rw.yaml", Only: []string{"a", "b"}, Timeout: 5 * time.Second, Profile: "sec"}},
		{name: "nothing to test", args: nil, wantCode: exitcode.Usage, wantErr: "give --notify"},
		{name: "bad timeout", args: []string{"--notify", "stdout:", "--timeout", "0s"}, wantCode: exitcode.Usage, wantErr: "--timeout"},
		{name: "positional arg", args: []string{"stdout:"}, wantCode: exitcode.Usage, wantErr: "unknown command"},
		{name: "unknown flag", args: []string{"--notifier", "x"}, wantCode: exitcode.Usage, wantErr: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := notifyFactory(nil)
			var got *notifyTestOptions
			cmd := newCmdNotifyTest(f, func(_ context.Context, o *notifyTestOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SetFlagErrorFunc(flagError)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exitcode.From(err) != tt.wantCode {
					t.Fatalf("err = %v (code %d), want %q (code %d)", err, exitcode.From(err), tt.wantErr, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Specs, "|") != strings.Join(tt.want.Specs, "|") || got.ConfigFile != tt.want.ConfigFile ||
				strings.Join(got.Only, ",") != strings.Join(tt.want.Only, ",") || got.Timeout != tt.want.Timeout || got.Profile != tt.want.Profile {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

const (
	okPath   = "/hooks/OKSECRETPATH"
	failPath = "/services/T0/B0/FAILSECRETTOKEN"
)

func receivers(t *testing.T) (ok, fail *httptest.Server, okHits *atomic.Int32) {
	okHits = &atomic.Int32{}
	ok = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		okHits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	fail = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no_service "+r.URL.Path, http.StatusNotFound)
	}))
	t.Cleanup(ok.Close)
	t.Cleanup(fail.Close)
	return ok, fail, okHits
}

func runNotifyCLI(f *Factory, args ...string) error {
	root := NewRootCmd(f)
	root.SetArgs(append([]string{"notify", "test"}, args...))
	return root.ExecuteContext(context.Background())
}

func TestNotifyTestReportsEachNotifier(t *testing.T) {
	ok, fail, hits := receivers(t)
	f, out := notifyFactory(map[string]string{"ROOTWATCH_WEBHOOK_SECRET": "HMACSECRET"})
	err := runNotifyCLI(f, "--notify", "webhook:"+ok.URL+okPath, "--notify", "slack:"+fail.URL+failPath, "--notify", "stdout:")
	if exitcode.From(err) != exitcode.Error || err == nil || !strings.Contains(err.Error(), "1 of 3 notifiers failed") {
		t.Fatalf("err = %v", err)
	}
	s := out.String()
	for _, secret := range []string{"OKSECRETPATH", "FAILSECRETTOKEN", "HMACSECRET"} {
		if strings.Contains(s, secret) {
			t.Errorf("output leaks %s:\n%s", secret, s)
		}
	}
	lines := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if fs := strings.Fields(l); len(fs) > 1 {
			lines[fs[1]] = l
		}
	}
	if l := lines["webhook"]; !strings.HasPrefix(l, "OK") || !strings.Contains(l, "/…") {
		t.Errorf("webhook line: %q", l)
	}
	if l := lines["slack"]; !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "HTTP 404") || !strings.Contains(l, "permanent") {
		t.Errorf("slack line: %q", l)
	}
	if l := lines["stdout"]; !strings.HasPrefix(l, "OK") {
		t.Errorf("stdout line: %q", l)
	}
	if !strings.Contains(s, `"kind":"test"`) {
		t.Error("stdout notifier did not print the sample alert")
	}
	if hits.Load() != 1 {
		t.Errorf("webhook got %d requests", hits.Load())
	}
}

func TestNotifyTestConfigFileAndOnly(t *testing.T) {
	ok, _, hits := receivers(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "rootwatch.yaml")
	yaml := "store: x.db\nnotify:\n  notifiers:\n    - name: siem\n      webhook:\n        url: ${HOOK}\n    - name: console\n      stdout: {}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out := notifyFactory(map[string]string{"HOOK": ok.URL + okPath})
	if err := runNotifyCLI(f, "--config", path, "--only", "siem"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if hits.Load() != 1 || strings.Contains(out.String(), "console") {
		t.Errorf("hits %d, output:\n%s", hits.Load(), out)
	}

	err := runNotifyCLI(f, "--config", path, "--only", "nope")
	if exitcode.From(err) != exitcode.Usage || !strings.Contains(err.Error(), "--only nope") {
		t.Errorf("--only nope: %v", err)
	}
}

func TestNotifyTestBadConfigIsUsageError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rootwatch.yaml")
	_ = os.WriteFile(path, []byte("notify:\n  notifiers:\n    - name: a\n      slack: {urll: x}\n"), 0o600)
	f, _ := notifyFactory(nil)
	err := runNotifyCLI(f, "--config", path)
	if exitcode.From(err) != exitcode.Usage || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("err = %v", err)
	}
	err = runNotifyCLI(f, "--notify", "pagerduty:shortSECRET")
	if exitcode.From(err) != exitcode.Usage || strings.Contains(err.Error(), "shortSECRET") {
		t.Errorf("err = %v", err)
	}
}
