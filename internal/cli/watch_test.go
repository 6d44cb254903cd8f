package cli

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

func TestWatchFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		check    func(t *testing.T, o *watchOptions)
		wantCode int
		wantErr  string
	}{
		{name: "simple", args: []string{"--source", "./logs", "--notify", "stdout:", "--store", "x.db"},
			check: func(t *testing.T, o *watchOptions) {
				if o.Listen != DefaultListen || o.Mode != "event" || o.GroupWindow != time.Hour || o.Store != "x.db" || o.Correct != "never" {
					t.Errorf("defaults: %+v", o)
				}
			}},
		{name: "repeatable", args: []string{"--source", "a", "--source", "sqs://q", "--notify", "stdout:", "--notify", "webhook:https://h/x", "--mode", "alarm"},
			check: func(t *testing.T, o *watchOptions) {
				if len(o.Sources) != 2 || len(o.Notify) != 2 || o.Mode != "alarm" {
					t.Errorf("%+v", o)
				}
			}},
		{name: "config only", args: []string{"--config", "rw.yaml"}},
		{name: "no source", args: []string{"--notify", "stdout:"}, wantCode: exitcode.Usage, wantErr: "give --source"},
		{name: "no notifier", args: []string{"--source", "x"}, wantCode: exitcode.Usage, wantErr: "give --notify"},
		{name: "bad mode", args: []string{"--source", "x", "--notify", "stdout:", "--mode", "loud"}, wantCode: exitcode.Usage, wantErr: "--mode"},
		{name: "bad correct", args: []string{"--source", "x", "--notify", "stdout:", "--correct", "maybe"}, wantCode: exitcode.Usage, wantErr: "--correct"},
		{name: "correct without audit", args: []string{"--source", "x", "--notify", "stdout:", "--correct", "ask"}, wantCode: exitcode.Usage, wantErr: "--audit-every"},
		{name: "bad default action", args: []string{"--source", "x", "--notify", "stdout:", "--audit-every", "1h", "--default-action", "fix"}, wantCode: exitcode.Usage, wantErr: "--default-action"},
		{name: "bad allowed action", args: []string{"--source", "x", "--notify", "stdout:", "--audit-every", "1h", "--actions", "ask,fix"}, wantCode: exitcode.Usage, wantErr: "--actions"},
		{name: "bad approver", args: []string{"--source", "x", "--notify", "stdout:", "--audit-every", "1h", "--approver", "alice"}, wantCode: exitcode.Usage, wantErr: "--approver"},
		{name: "approver identity must be one", args: []string{"--source", "x", "--notify", "stdout:", "--audit-every", "1h", "--approver", "a@example.com=alice"}, wantCode: exitcode.Usage, wantErr: "not an identity"},
		{name: "bad audit level", args: []string{"--source", "x", "--notify", "stdout:", "--audit-every", "1h", "--audit-level", "loud"}, wantCode: exitcode.Usage, wantErr: "--audit-level"},
		{name: "policy without audit", args: []string{"--source", "x", "--notify", "stdout:", "--default-action", "ask"}, wantCode: exitcode.Usage, wantErr: "--audit-every"},
		{name: "policy", args: []string{"--source", "x", "--notify", "stdout:", "--audit-every", "1h", "--default-action", "ask",
			"--approver", "sec@example.com=os:alice@bastion", "--approver", "slack:S0123", "--actions", "notify,ask,skip",
			"--account-action", "111122223333=correct", "--notify-level", "stdout=verbose"},
			check: func(t *testing.T, o *watchOptions) {
				if o.Audit.DefaultAction != "ask" || len(o.Audit.Approvers) != 2 || len(o.Audit.Actions) != 3 ||
					len(o.Audit.AccountAction) != 1 || len(o.NotifyLevels) != 1 {
					t.Errorf("%+v", o.Audit)
				}
			}},
		{name: "bad window", args: []string{"--source", "x", "--notify", "stdout:", "--group-window", "0s"}, wantCode: exitcode.Usage, wantErr: "--group-window"},
		{name: "positional", args: []string{"x"}, wantCode: exitcode.Usage, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := notifyFactory(nil)
			var got *watchOptions
			cmd := newCmdWatch(f, func(_ context.Context, o *watchOptions) error { got = o; return nil })
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
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestParseSourceFlag(t *testing.T) {
	env := func(k string) string {
		if k == EnvIngestSecret {
			return "s3cret"
		}
		return ""
	}
	noEnv := func(string) string { return "" }
	tests := []struct {
		raw     string
		getenv  func(string) string
		check   func(t *testing.T, s config.Source)
		wantErr string
	}{
		{raw: "sqs://https://sqs.eu-west-1.amazonaws.com/111122223333/ct", getenv: env, check: func(t *testing.T, s config.Source) {
			if s.SQS == nil || s.SQS.QueueURL != "https://sqs.eu-west-1.amazonaws.com/111122223333/ct" {
				t.Errorf("%+v", s)
			}
		}},
		{raw: "sqs://sqs.eu-west-1.amazonaws.com/111122223333/ct", getenv: env, check: func(t *testing.T, s config.Source) {
			if s.SQS.QueueURL != "https://sqs.eu-west-1.amazonaws.com/111122223333/ct" {
				t.Errorf("%+v", s.SQS)
			}
		}},
		{raw: "cloudwatch://aws-cloudtrail-logs-111122223333", getenv: env, check: func(t *testing.T, s config.Source) {
			if s.CloudWatch == nil || s.CloudWatch.LogGroup != "aws-cloudtrail-logs-111122223333" {
				t.Errorf("%+v", s)
			}
		}},
		{raw: "http://127.0.0.1:9781/ingest", getenv: env, check: func(t *testing.T, s config.Source) {
			if s.HTTP == nil || s.HTTP.Addr != "127.0.0.1:9781" || s.HTTP.Path != "/ingest" || s.HTTP.Secret.Reveal() != "s3cret" {
				t.Errorf("%+v", s.HTTP)
			}
		}},
		{raw: "/var/log/ct", getenv: env, check: func(t *testing.T, s config.Source) {
			if s.Dir == nil || s.Dir.Path != "/var/log/ct" {
				t.Errorf("%+v", s)
			}
		}},
		{raw: "http://127.0.0.1:9781/ingest", getenv: noEnv, wantErr: EnvIngestSecret},
		{raw: "https://127.0.0.1:9781/ingest", getenv: env, wantErr: "--tls-cert"},
		{raw: "sqs://q", getenv: env, wantErr: "expected sqs://"},
		{raw: "cloudwatch://", getenv: env, wantErr: "LOG_GROUP"},
		{raw: "kafka://x", getenv: env, wantErr: "unknown scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			s, err := parseSourceFlag(tt.raw, &watchOptions{}, tt.getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
	if got := queueRegion("https://sqs.eu-west-1.amazonaws.com/1/q"); got != "eu-west-1" {
		t.Errorf("queueRegion = %q", got)
	}
	if got := queueRegion("http://localhost:4566/000000000000/q"); got != "" {
		t.Errorf("queueRegion of a local endpoint = %q", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the stdout notifier's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// watch over a directory with the stdout notifier, end to end through the
// command; then alerts list shows the delivery.
func TestWatchRunDirectory(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o700); err != nil {
		t.Fatal(err)
	}
	rec := `{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-12-01T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","eventID":"cli-e1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`
	if err := os.WriteFile(filepath.Join(logs, "a.json"), []byte(`{"Records":[`+rec+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// The file must be older than the directory source's settle time.
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(filepath.Join(logs, "a.json"), old, old); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	f := &Factory{In: strings.NewReader(""), Out: out, ErrOut: io.Discard, IsTerminal: func(io.Writer) bool { return false },
		Now: time.Now, Getenv: func(string) string { return "" },
		AWSConfig: func(context.Context, awsconfig.Options) (aws.Config, error) {
			return aws.Config{}, errors.New("no AWS in this test")
		}}
	db := filepath.Join(dir, "rw.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- watchRun(ctx, f, &watchOptions{Sources: []string{logs}, Notify: []string{"stdout:"}, Store: db,
			Listen: "127.0.0.1:0", Mode: "event", GroupWindow: time.Hour, Correct: "never", LogLevel: "error"})
	}()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(out.String(), "cli-e1") {
		select {
		case err := <-done:
			t.Fatalf("watch ended early: %v", err)
		case <-deadline:
			t.Fatalf("no alert on stdout; got %q", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lf, lout := notifyFactory(nil)
	if err := alertsListRun(context.Background(), lf, &alertsListOptions{Store: db, Format: "table", Limit: 10}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lout.String(), "stdout") || !strings.Contains(lout.String(), "sent") {
		t.Errorf("alerts list:\n%s", lout)
	}
}

func TestAlertsAndCorrections(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "rw.db")
	st, err := openWatchStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	a := alert.Alert{ID: "rw-1", Rule: alert.RuleRootUsage, Title: "Root user activity: ConsoleLogin in 111122223333",
		Account: "111122223333", EventIDs: []string{"e1"}}
	err = st.Tx(ctx, func(tx *sql.Tx) error { _, err := st.Enqueue(ctx, tx, a, []string{"slack"}, now); return err })
	if err != nil {
		t.Fatal(err)
	}
	items, _ := st.Claim(ctx, "me", now, time.Minute, 1)
	if _, err := st.MarkFailed(ctx, items[0], now, errors.New("slack: 404 no_service"), false, store.DefaultBackoff()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ProposeCorrection(ctx, store.Correction{ID: "c-1", Account: "111122223333", Summary: "create alarm RootAccountUsage", Plan: "{}", Created: now,
		Approvers: []string{"sec@example.com=os:alice@bastion"}, Actions: []string{"notify", "ask", "correct", "skip"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ProposeCorrection(ctx, store.Correction{ID: "c-2", Account: "222222222222", Summary: "create alarm", Plan: "{}", Created: now,
		Approvers: []string{"os:alice@bastion-*"}, Actions: []string{"notify", "ask"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	f, out := notifyFactory(nil)
	if err := alertsListRun(ctx, f, &alertsListOptions{Store: db, State: "dead", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"alert_id":"rw-1"`) || !strings.Contains(out.String(), `"event_ids":["e1"]`) ||
		!strings.Contains(out.String(), "404 no_service") {
		t.Errorf("alerts list json: %s", out)
	}
	out.Reset()
	if err := alertsRetryRun(ctx, f, &alertsRetryOptions{Store: db, IDs: []string{"rw-1"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 deliveries queued again") {
		t.Errorf("retry: %s", out)
	}
	if err := alertsRetryRun(ctx, f, &alertsRetryOptions{Store: db, IDs: []string{"rw-1"}}); exitcode.From(err) != exitcode.Error {
		t.Errorf("retrying a pending alert: %v", err)
	}
	out.Reset()
	if err := correctionsListRun(ctx, f, &correctionsListOptions{Store: db, Format: "table"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "c-1") || !strings.Contains(out.String(), "proposed") {
		t.Errorf("corrections list: %s", out)
	}
	if err := correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: db, ID: "c-1", Decision: store.CorrectionApproved,
		Identity: "os:mallory@bastion"}); !errors.Is(err, ErrNotApprover) || exitcode.From(err) != exitcode.Error {
		t.Errorf("a non-approver's decision: %v", err)
	}
	if err := correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: db, ID: "c-1", Decision: store.CorrectionApproved,
		Identity: "os:alice@bastion", Reason: "CHG-42"}); err != nil {
		t.Fatal(err)
	}
	if err := correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: db, ID: "c-1", Decision: store.CorrectionRejected,
		Identity: "os:alice@bastion"}); exitcode.From(err) != exitcode.Error {
		t.Errorf("second decision: %v", err)
	}
	if err := correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: db, ID: "c-2", Decision: store.CorrectionSkipped,
		Identity: "os:alice@bastion-2"}); !errors.Is(err, ErrNotApprover) || !strings.Contains(err.Error(), "allows notify, ask, not skip") {
		t.Errorf("an action the account does not allow: %v", err)
	}
	if err := correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: db, ID: "c-2", Decision: store.CorrectionRejected,
		Identity: "os:alice@bastion-2"}); err != nil {
		t.Errorf("a host pattern: %v", err)
	}
	out.Reset()
	if err := correctionsListRun(ctx, f, &correctionsListOptions{Store: db, Format: "table"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "sec@example.com (os:alice@bastion)") || !strings.Contains(out.String(), "CHG-42") ||
		!strings.Contains(out.String(), "approved") {
		t.Errorf("corrections list does not say who, when and why: %s", out)
	}
	if err := correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: db, ID: "nope", Identity: "os:alice@bastion"}); exitcode.From(err) != exitcode.Usage {
		t.Errorf("unknown correction: %v", err)
	}
}

// Everything in watch.audit of rootwatch.yaml is a flag, and every audit
// flag is a key of watch.audit.
func TestAuditFlagsMatchConfig(t *testing.T) {
	f, _ := notifyFactory(nil)
	cmd := newCmdWatch(f, nil)
	keys := map[string]bool{}
	typ := reflect.TypeFor[config.Audit]()
	for i := range typ.NumField() {
		key := strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0]
		keys[key] = true
		flags, ok := auditFlagOf[key]
		if !ok {
			t.Errorf("watch.audit.%s has no flag", key)
		}
		for _, fl := range flags {
			if cmd.Flags().Lookup(fl) == nil {
				t.Errorf("watch.audit.%s: no flag --%s", key, fl)
			}
		}
	}
	for key := range auditFlagOf {
		if !keys[key] {
			t.Errorf("auditFlagOf names watch.audit.%s, which the config does not have", key)
		}
	}
	// Each field of an accounts entry has its flag.
	acct := reflect.TypeFor[config.AccountPolicy]()
	for i := range acct.NumField() {
		key := strings.Split(acct.Field(i).Tag.Get("yaml"), ",")[0]
		if key == "match" {
			continue
		}
		if cmd.Flags().Lookup("account-"+map[string]string{"default_action": "action", "actions": "actions", "approvers": "approver"}[key]) == nil {
			t.Errorf("watch.audit.accounts[].%s has no flag", key)
		}
	}
}

// Policy flags over the file: scalars and lists replace, account flags
// come before the file's entries (the first match wins).
func TestAuditFlagsOverride(t *testing.T) {
	a := &config.Audit{DefaultAction: "notify", Approvers: []string{"os:bob@ops-1"},
		Accounts: []config.AccountPolicy{{Match: []string{"111122223333"}, DefaultAction: "skip"}}}
	o := &auditFlags{DefaultAction: "ask", Approvers: []string{"os:alice@bastion"}, AccountAction: []string{"111122223333=correct"},
		AccountActions: []string{"111122223333=ask,correct"}, AccountApprover: []string{"111122223333=ops@example.com=os:ops@bastion"}}
	if err := applyAuditFlags(a, o, func(_ string, apply func()) { apply() }); err != nil {
		t.Fatal(err)
	}
	p := auditPolicy(a).For(watch.Placement{Account: "111122223333"})
	if p.Default != "correct" || strings.Join(p.Actions, ",") != "ask,correct" || strings.Join(p.Approvers, ",") != "ops@example.com=os:ops@bastion" {
		t.Errorf("account policy = %+v", p)
	}
	if p := auditPolicy(a).For(watch.Placement{Account: "222222222222"}); p.Default != "ask" || p.Approvers[0] != "os:alice@bastion" {
		t.Errorf("default policy = %+v", p)
	}
	if err := applyAuditFlags(&config.Audit{}, &auditFlags{AccountAction: []string{"correct"}}, func(_ string, apply func()) { apply() }); err == nil {
		t.Error("--account-action without ACCOUNT= accepted")
	}
}

// A config file and flags: flags given override the file, the file's
// sources and notify section are kept.
func TestLoadWatchConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "rootwatch.yaml")
	if err := os.WriteFile(cfg, []byte(`store: ${RW_DB}
listen: 127.0.0.1:9999
watch:
  mode: alarm
  sources:
    - dir: {path: /var/log/ct}
  audit: {every: 1h, correct: ask}
notify:
  notifiers:
    - name: out
      stdout: {}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ := notifyFactory(map[string]string{"RW_DB": "/tmp/rw.db"})
	var got *watchOptions
	cmd := newCmdWatch(f, func(_ context.Context, o *watchOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", cfg, "--source", "/srv/more", "--mode", "event"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	wc, err := loadWatchConfig(f, got)
	if err != nil {
		t.Fatal(err)
	}
	c := wc.file
	if c.Store.Reveal() != "/tmp/rw.db" || c.Listen != "127.0.0.1:9999" {
		t.Errorf("store %q listen %q", c.Store.Reveal(), c.Listen)
	}
	if c.Watch.Mode != "event" {
		t.Errorf("--mode did not override the file: %q", c.Watch.Mode)
	}
	if len(c.Watch.Sources) != 2 || c.Watch.Sources[0].Dir.Path != "/var/log/ct" || c.Watch.Sources[1].Dir.Path != "/srv/more" {
		t.Errorf("sources = %+v", c.Watch.Sources)
	}
	if c.Watch.Audit == nil || c.Watch.Audit.Every != time.Hour || c.Watch.Audit.Correct != "ask" {
		t.Errorf("audit from the file lost: %+v", c.Watch.Audit)
	}
	if len(wc.notify.Notifiers) != 1 || wc.notify.Notifiers[0].Name != "out" {
		t.Errorf("notify section = %+v", wc.notify)
	}
}

// --store env:NAME and file:PATH read the store URL (a PostgreSQL URL holds
// a password) from where an ECS task definition's secrets put it.
func TestWatchStoreFromReference(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "store-url")
	if err := os.WriteFile(file, []byte("postgres://rw:from-file@db/rw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		store, want, wantErr string
	}{
		{store: "env:RW_STORE_URL", want: "postgres://rw:from-env@db/rw"},
		{store: "file:" + file, want: "postgres://rw:from-file@db/rw"},
		{store: "postgres://rw:inline@db/rw", want: "postgres://rw:inline@db/rw"},
		{store: "env:RW_UNSET", wantErr: "RW_UNSET is not set"},
		{store: "env:not a name", wantErr: "not a variable name"},
	} {
		t.Run(tc.store, func(t *testing.T) {
			f, _ := notifyFactory(map[string]string{"RW_STORE_URL": "postgres://rw:from-env@db/rw"})
			var got *watchOptions
			cmd := newCmdWatch(f, func(_ context.Context, o *watchOptions) error { got = o; return nil })
			cmd.SetArgs([]string{"--store", tc.store, "--source", "/srv/ct", "--notify", "stdout:"})
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			wc, err := loadWatchConfig(f, got)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "from-env") {
					t.Errorf("the error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := wc.file.Store.Reveal(); got != tc.want {
				t.Errorf("store = %q, want %q", got, tc.want)
			}
		})
	}
}
