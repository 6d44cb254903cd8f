package build

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
)

const (
	slackURL = "https://hooks.slack.com/services/T0/B0/SLACKTOKEN123"
	pdKey    = "PDKEY0123456789abcdefABCDEF01234"
)

type fakePublisher struct{ inputs []*awssns.PublishInput }

func (f *fakePublisher) Publish(_ context.Context, in *awssns.PublishInput, _ ...func(*awssns.Options)) (*awssns.PublishOutput, error) {
	f.inputs = append(f.inputs, in)
	return &awssns.PublishOutput{}, nil
}

func testDeps(env map[string]string, files map[string]string) (Deps, *[]string) {
	var regions []string
	return Deps{
		Out:    &bytes.Buffer{},
		Now:    func() time.Time { return notifytest.Now },
		Getenv: func(k string) string { return env[k] },
		ReadFile: func(name string) ([]byte, error) {
			if v, ok := files[name]; ok {
				return []byte(v), nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
		SNS: func(_ context.Context, region string) (sns.Publisher, error) {
			regions = append(regions, region)
			return &fakePublisher{}, nil
		},
	}, &regions
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{in: "webhook:https://h.example/x", want: Spec{Kind: KindWebhook, Value: "https://h.example/x"}},
		{in: "slack:" + slackURL, want: Spec{Kind: KindSlack, Value: slackURL}},
		{in: "TEAMS:https://x.example/w", want: Spec{Kind: KindTeams, Value: "https://x.example/w"}},
		{in: "sns:arn:aws:sns:us-east-1:111122223333:t", want: Spec{Kind: KindSNS, Value: "arn:aws:sns:us-east-1:111122223333:t"}},
		{in: "email:a@example.com,b@example.com", want: Spec{Kind: KindEmail, Value: "a@example.com,b@example.com"}},
		{in: "pagerduty:" + pdKey, want: Spec{Kind: KindPagerDuty, Value: pdKey}},
		{in: "stdout:", want: Spec{Kind: KindStdout, Value: ""}},
		{in: "slack:env:SLACK_URL", want: Spec{Kind: KindSlack, From: "env:SLACK_URL"}},
		{in: "pagerduty:file:/run/secrets/pd", want: Spec{Kind: KindPagerDuty, From: "file:/run/secrets/pd"}},
		{in: "stdout:env:X", wantErr: "takes no value"},
		{in: "stdout", wantErr: `missing ":"`},
		{in: "stdout:x", wantErr: "takes no value"},
		{in: "slack:", wantErr: "missing value"},
		{in: "slack:hooks.slack.com/SLACKTOKEN123", wantErr: "not a URL"},
		{in: "sns:rootwatch-topic", wantErr: "not a topic ARN"},
		{in: "email:security", wantErr: "not an email address"},
		{in: "discord:https://x", wantErr: `unknown kind "discord"`},
		{in: "https://hooks.slack.com/SLACKTOKEN123", wantErr: `unknown kind "https"`},
		{in: "SLACKTOKEN123", wantErr: `without ":"`},
		{in: "", wantErr: `without ":"`},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSpec(%q) = %v, want error %q", tt.in, err, tt.wantErr)
			}
			notifytest.CheckNoSecret(t, err, "SLACKTOKEN123", pdKey)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// Secrets named by env: or file: never appear on the command line; a
// secret written inline gets one warning on stderr naming every such spec.
func TestHostileSpecSecretsFromEnvAndFile(t *testing.T) {
	env := map[string]string{"SLACK_URL": slackURL, "WEBHOOK_URL": "https://h.example/SLACKTOKEN123"}
	files := map[string]string{"/run/secrets/pd": pdKey + "\n", "/run/secrets/teams": "https://x.example/w/SLACKTOKEN123\n"}
	deps, _ := testDeps(env, files)
	var warn bytes.Buffer
	deps.Warn = &warn
	set, err := Build(context.Background(), Config{}, []string{
		"slack:env:SLACK_URL", "pagerduty:file:/run/secrets/pd", "teams:file:/run/secrets/teams", "webhook:env:WEBHOOK_URL",
	}, deps)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Targets) != 4 || warn.Len() != 0 {
		t.Errorf("%d targets, warning %q", len(set.Targets), warn.String())
	}
	if w := set.Get("slack").Where; w != "https://hooks.slack.com/…" {
		t.Errorf("slack Where = %q", w)
	}

	_, err = Build(context.Background(), Config{}, []string{"slack:" + slackURL, "pagerduty:" + pdKey, "sns:arn:aws:sns:us-east-1:111122223333:t"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	got := warn.String()
	if strings.Count(got, "\n") != 1 || !strings.Contains(got, "slack:https://hooks.slack.com/…") ||
		!strings.Contains(got, "pagerduty:[REDACTED]") || strings.Contains(got, "sns:") || !strings.Contains(got, "env:VAR") {
		t.Errorf("warning = %q", got)
	}
	notifytest.CheckNoSecret(t, errors.New(got), "SLACKTOKEN123", pdKey)

	for spec, want := range map[string]string{
		"slack:env:NOPE":          "NOPE is not set",
		"pagerduty:file:/missing": "/missing",
		"slack:env:WEBHOOK_URL":   "",
		"teams:env:BAD_URL":       "not a URL (expected teams:",
	} {
		env["BAD_URL"] = "SLACKTOKEN123"
		_, err := Build(context.Background(), Config{}, []string{spec}, deps)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", spec, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", spec, err, want)
		}
		notifytest.CheckNoSecret(t, err, "SLACKTOKEN123")
	}
}

func TestSpecStringHidesSecrets(t *testing.T) {
	for _, raw := range []string{"slack:" + slackURL, "pagerduty:" + pdKey, "webhook:https://u:p@h.example/SLACKTOKEN123"} {
		s, err := ParseSpec(raw)
		if err != nil {
			t.Fatal(err)
		}
		if str := s.String(); strings.Contains(str, "SLACKTOKEN123") || strings.Contains(str, pdKey) || strings.Contains(str, "u:p") {
			t.Errorf("String() = %q", str)
		}
	}
}

func TestBuildFromSpecs(t *testing.T) {
	deps, regions := testDeps(map[string]string{
		EnvSMTPHost: "smtp.example.com", EnvSMTPFrom: "rw@example.com", EnvSMTPPort: "2525",
	}, nil)
	set, err := Build(context.Background(), Config{}, []string{
		"slack:" + slackURL, "slack:https://hooks.slack.com/services/other", "pagerduty:" + pdKey,
		"sns:arn:aws:sns:ap-south-1:111122223333:t", "email:sec@example.com, oncall@example.com", "stdout:",
		"webhook:https://h.example/x", "teams:https://t.example/w",
	}, deps)
	if err != nil {
		t.Fatal(err)
	}
	var names, wheres []string
	for _, tg := range set.Targets {
		names = append(names, tg.Name)
		wheres = append(wheres, tg.Where)
		if tg.Level != route.LevelInfo {
			t.Errorf("%s level %v", tg.Name, tg.Level)
		}
	}
	if got := strings.Join(names, ","); got != "slack,slack-2,pagerduty,sns,email,stdout,webhook,teams" {
		t.Errorf("names = %s", got)
	}
	joined := strings.Join(wheres, " | ")
	if strings.Contains(joined, "SLACKTOKEN123") || strings.Contains(joined, pdKey) {
		t.Errorf("Where leaks: %s", joined)
	}
	if !strings.Contains(joined, "sec@example.com, oncall@example.com via smtp.example.com:2525") {
		t.Errorf("email where = %s", joined)
	}
	if !strings.Contains(joined, "https://events.pagerduty.com (Events API v2)") {
		t.Errorf("pagerduty where (default URL) = %s", joined)
	}
	if strings.Join(*regions, ",") != "ap-south-1" {
		t.Errorf("SNS regions = %v", *regions)
	}
}

// --notify-level sets the level of a notifier --notify made, by its name,
// over notify.level; a name nobody has is an error.
func TestBuildNotifyLevels(t *testing.T) {
	deps, _ := testDeps(nil, nil)
	set, err := Build(context.Background(), Config{Level: "error", Levels: map[string]string{"stdout-2": "verbose"}},
		[]string{"stdout:", "stdout:"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	if set.Targets[0].Level != route.LevelError || set.Targets[1].Level != route.LevelVerbose {
		t.Errorf("levels = %v, %v", set.Targets[0].Level, set.Targets[1].Level)
	}
	summary := alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityInfo, Details: map[string]string{route.DetailLevel: "verbose"}}
	if got := set.Route(summary); len(got) != 1 || got[0].Name != "stdout-2" {
		t.Errorf("a verbose alert reaches %v", got)
	}
	for _, levels := range []map[string]string{{"nope": "info"}, {"stdout": "loud"}} {
		if _, err := Build(context.Background(), Config{Levels: levels}, []string{"stdout:"}, deps); err == nil || !strings.Contains(err.Error(), "--notify-level") {
			t.Errorf("%v: %v", levels, err)
		}
	}
}

func TestBuildSpecErrors(t *testing.T) {
	deps, _ := testDeps(nil, nil)
	tests := []struct {
		spec, want string
	}{
		{"slack:http://hooks.slack.com/services/SLACKTOKEN123", "--notify slack:http://hooks.slack.com/…: slack: url"},
		{"pagerduty:tooshortSECRET", "32-character"},
		{"email:sec@example.com", "no SMTP relay"},
		{"sns:arn:aws:sqs:us-east-1:111122223333:q", "not an SNS topic ARN"},
		{"bogus:x", "unknown kind"},
	}
	for _, tt := range tests {
		_, err := Build(context.Background(), Config{}, []string{tt.spec}, deps)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build(%s) = %v, want %q", tt.spec, err, tt.want)
		}
		notifytest.CheckNoSecret(t, err, "SLACKTOKEN123", "tooshortSECRET")
	}
	if _, err := Build(context.Background(), Config{}, nil, deps); err == nil || !strings.Contains(err.Error(), "no notifier configured") {
		t.Errorf("no notifiers: %v", err)
	}
}

func loadTestConfig(t *testing.T) Config {
	t.Helper()
	f, err := os.Open("testdata/rootwatch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := ParseFile("testdata/rootwatch.yaml", f)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var (
	testEnv = map[string]string{
		"SLACK_URL": slackURL, "SECRETS": "/run/secrets", "HOOK_SECRET": "hmac-SECRET", "SIEM_TOKEN": "siem-SECRET",
	}
	testFiles = map[string]string{"/run/secrets/pd_key": pdKey + "\n", "/run/secrets/smtp_password": "smtp-SECRET\n"}
)

func TestBuildFromConfigFile(t *testing.T) {
	cfg := loadTestConfig(t)
	deps, regions := testDeps(testEnv, testFiles)
	set, err := Build(context.Background(), cfg, []string{"stdout:"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range set.Targets {
		got = append(got, tg.Name+"/"+tg.Kind+"/"+tg.Level.String())
	}
	want := "sec-slack/slack/info,pager/pagerduty/error,audit-log/webhook/verbose,mail/email/info,topic/sns/info,out/stdout/info,stdout/stdout/info"
	if strings.Join(got, ",") != want {
		t.Errorf("targets =\n %s\nwant\n %s", strings.Join(got, ","), want)
	}
	if strings.Join(*regions, ",") != "eu-west-1" {
		t.Errorf("regions = %v", *regions)
	}
	// The config must not have been modified in place by expansion.
	if cfg.Notifiers[0].Slack.URL.Reveal() != "${SLACK_URL}" {
		t.Errorf("caller's config was expanded in place: %q", cfg.Notifiers[0].Slack.URL.Reveal())
	}

	prodRoot := alert.Alert{Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical, AccountAlias: "prod-payments"}
	devRoot := prodRoot
	devRoot.AccountAlias = "dev"
	summary := alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityInfo, State: "PASS", PreviousState: "PASS"}
	for _, tt := range []struct {
		name string
		a    alert.Alert
		want string
	}{
		{"prod root", prodRoot, "sec-slack,pager"},
		{"dev root", devRoot, "sec-slack,audit-log,mail,topic,out"},
		{"audit summary", summary, "audit-log"},
	} {
		var names []string
		for _, tg := range set.Route(tt.a) {
			names = append(names, tg.Name)
			if !tg.Wants(tt.a) {
				t.Errorf("%s: %s routed but Wants is false", tt.name, tg.Name)
			}
		}
		if strings.Join(names, ",") != tt.want {
			t.Errorf("%s: routed to %v, want %s", tt.name, names, tt.want)
		}
	}
	if set.Get("stdout") == nil || set.Get("nope") != nil {
		t.Error("Get")
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"unknown key with line", "notify:\n  notifiers:\n    - name: a\n      slack:\n        url: https://x.example/y\n        chanel: '#x'\n", nil, "line 6: field chanel not found"},
		{"two kinds", "notify:\n  notifiers:\n    - name: a\n      stdout: {}\n      slack: {url: 'https://x.example/y'}\n", nil, "several kind blocks"},
		{"no kind", "notify:\n  notifiers:\n    - name: a\n", nil, "no kind block"},
		{"bad name", "notify:\n  notifiers:\n    - name: Sec Slack\n      stdout: {}\n", nil, "must be 1-63 lowercase"},
		{"duplicate name", "notify:\n  notifiers:\n    - name: a\n      stdout: {}\n    - name: a\n      stdout: {}\n", nil, `"a" is used twice`},
		{"bad level", "notify:\n  notifiers:\n    - name: a\n      level: loud\n      stdout: {}\n", nil, "expected error, info or verbose"},
		{"unset env", "notify:\n  notifiers:\n    - name: a\n      slack: {url: '${NOPE}'}\n", nil, "notify.notifiers[0] (a).slack.url: byte 0: environment variable NOPE is not set"},
		{"file and value", "notify:\n  notifiers:\n    - name: a\n      slack: {url: 'https://x.example/SLACKTOKEN123', url_file: /run/x}\n", nil, "url and url_file are both set"},
		{"missing secret file", "notify:\n  notifiers:\n    - name: a\n      pagerduty: {routing_key_file: /run/none}\n", nil, "/run/none"},
		{"route to unknown", "notify:\n  notifiers:\n    - name: a\n      stdout: {}\n  routes:\n    - notifiers: [b]\n", nil, `notify.routes[0]: no notifier named "b"`},
		{"type mismatch", "notify:\n  notifiers: yes\n", nil, "line 2"},
		{"secret in bad url stays hidden", "notify:\n  notifiers:\n    - name: a\n      slack: {url: 'http://x.example/${TOK}'}\n", map[string]string{"TOK": "SLACKTOKEN123"}, "only to a loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseFile("rw.yaml", strings.NewReader(tt.yaml))
			if err == nil {
				deps, _ := testDeps(tt.env, nil)
				_, err = Build(context.Background(), cfg, nil, deps)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			notifytest.CheckNoSecret(t, err, "SLACKTOKEN123")
		})
	}
}

func TestSampleAlertIsMarkedAsTest(t *testing.T) {
	a := SampleAlert(notifytest.Now)
	if a.Kind != alert.KindTest || !strings.Contains(a.Title, "test") || len(a.Events) != 1 || len(a.EventIDs) != 1 {
		t.Errorf("sample = %+v", a)
	}
	if !strings.Contains(string(a.Events[0]), `"rootwatchTest":true`) {
		t.Errorf("event not marked: %s", a.Events[0])
	}
}
