package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string, files map[string]string) Env {
	return Env{
		Getenv: func(k string) string { return vars[k] },
		ReadFile: func(name string) ([]byte, error) {
			if v, ok := files[name]; ok {
				return []byte(v), nil
			}
			return nil, os.ErrNotExist
		},
	}
}

func TestParse(t *testing.T) {
	fh, err := os.Open("testdata/rootwatch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Parse("rootwatch.yaml", fh, env(map[string]string{"PGPASSWORD": "p@ss", "TRAIL_DIR": "/var/log/ct"},
		map[string]string{"/run/secrets/ingest": "tok3n\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if f.Store.Reveal() != "postgres://rootwatch:p@ss@db.internal:5432/rootwatch" || f.Listen != "127.0.0.1:9780" {
		t.Errorf("store/listen = %q %q", f.Store.Reveal(), f.Listen)
	}
	w := f.Watch
	if w.Mode != "alarm" || w.GroupWindow != 30*time.Minute || w.Lease != 45*time.Second || w.Alarm == nil || w.Alarm.Period != 5*time.Minute ||
		*w.Alarm.Threshold != 1 || w.Alarm.TreatMissingData != "notBreaching" {
		t.Errorf("watch = %+v alarm %+v", w, w.Alarm)
	}
	if len(w.Sources) != 4 || w.Sources[0].SQS.Visibility != 2*time.Minute || w.Sources[2].HTTP.Secret.Reveal() != "tok3n" ||
		w.Sources[3].Dir.Path != "/var/log/ct" || w.Sources[1].CloudWatch.Region != "us-east-1" {
		t.Errorf("sources = %+v", w.Sources)
	}
	if w.Audit == nil || w.Audit.Every != time.Hour || w.Audit.Correct != "ask" || w.Audit.Remind != 12*time.Hour ||
		len(w.Audit.Approvers) != 2 || w.Audit.DefaultAction != "ask" || len(w.Audit.Actions) != 4 || w.Audit.ProposalTTL != 72*time.Hour ||
		len(w.Audit.Accounts) != 2 || w.Audit.Accounts[1].Match[0] != "9999*" || w.Audit.Accounts[1].Approvers[0] != "os:bob@ops-1" {
		t.Errorf("audit = %+v", w.Audit)
	}
	if strings.Contains(f.Store.String(), "p@ss") {
		t.Error("store DSN prints its password")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "watch:\n  mode: event\n  grup_window: 1h\n", "x.yaml:3: unknown setting watch.grup_window"},
		{"unknown source key", "watch:\n  sources:\n    - dir: {path: /x, pth: 2}\n", "x.yaml:3: unknown setting watch.sources[0].dir.pth"},
		{"two kinds", "watch:\n  sources:\n    - dir: {path: /x}\n      sqs: {queue_url: q}\n", "exactly one of"},
		{"no kind", "watch:\n  sources:\n    - {}\n", "exactly one of"},
		{"unset env", "store: ${NOPE}\n", "x.yaml:1: byte 0: environment variable NOPE is not set"},
		{"bad duration", "watch:\n  group_window: soon\n", "line 2"},
		{"missing file", "watch:\n  sources:\n    - http: {addr: x, secret_file: /nope}\n", "secret_file"},
		{"both secret forms", "watch:\n  sources:\n    - http: {addr: x, secret: a, secret_file: /s}\n", "both set"},
		{"empty", "", "empty file"},
		{"not a mapping", "- a\n", "expected a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", strings.NewReader(tt.yaml), env(nil, map[string]string{"/s": "x"}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	_, err := Parse("x.yaml", errReader{}, env(nil, nil))
	if err == nil || !strings.Contains(err.Error(), "read x.yaml") {
		t.Errorf("read error = %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

// An environment value that looks like YAML stays one string.
func TestExpandNoInjection(t *testing.T) {
	f, err := Parse("x.yaml", strings.NewReader("listen: ${L}\n"), env(map[string]string{"L": "a\nwatch: {mode: alarm}"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.Listen != "a\nwatch: {mode: alarm}" || f.Watch.Mode != "" {
		t.Errorf("injection: listen %q mode %q", f.Listen, f.Watch.Mode)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/rootwatch.yaml")
	f.Add(string(b))
	f.Add("watch:\n  sources:\n    - dir: {path: /x}\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Parse("fuzz.yaml", strings.NewReader(s), env(map[string]string{"PGPASSWORD": "x", "TRAIL_DIR": "/d"}, nil))
	})
}
