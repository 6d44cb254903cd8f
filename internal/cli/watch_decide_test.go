package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// mailSink is an SMTP server on loopback that hands every message body
// to a channel.
type mailSink struct{ msgs chan string }

type mailSession struct{ sink *mailSink }

func (s mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s mailSession) Reset()                               {}
func (s mailSession) Logout() error                        { return nil }
func (s mailSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		return err
	}
	s.sink.msgs <- m.Header.Get("Subject") + "\n" + string(body)
	return nil
}

func newMailSink(t *testing.T) (*mailSink, string) {
	t.Helper()
	sink := &mailSink{msgs: make(chan string, 100)}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return mailSession{sink}, nil }))
	s.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close(); <-done })
	return sink, l.Addr().String()
}

// webhookAlert is what the webhook receiver was sent, as far as the test
// reads it.
type webhookAlert struct {
	Alert struct {
		Title   string            `json:"title"`
		Summary string            `json:"summary"`
		Details map[string]string `json:"details"`
	} `json:"alert"`
}

// waitFor reads from ch until one value satisfies ok; the timeout is
// generous, it only stops a hung test.
func waitFor[T any](t *testing.T, ch <-chan T, what string, ok func(T) bool) T {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case v := <-ch:
			if ok(v) {
				return v
			}
		case <-timeout:
			t.Fatalf("no %s", what)
		}
	}
}

// Detect and correct as an operator runs it, against the fake cloud with
// the real fix engine: the proposal reaches a webhook and an email
// receiver with the plan and the approve command; a non-approver's
// decision is refused; an approver's is carried out by the running
// watch (polling decisions every tick, not waiting for the next audit)
// and its result, with the audit after, is delivered; a plan made stale
// by a change in the account is not applied, and the current plan is
// proposed.
func TestWatchDecisions(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newFixEnv(t)
	e.c.Edit(func(c *awsfake.Cloud) {
		delete(c.Accounts[fixAccount].Region(fixRegion).LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
	})
	eng, st, j := e.fixEngine(t)

	hooks := make(chan webhookAlert, 100)
	rc := notifytest.NewReceiver(t)
	rc.SetAnswer(func(r notifytest.Request) (int, http.Header, string) {
		var a webhookAlert
		if err := json.Unmarshal(r.Body, &a); err == nil {
			hooks <- a
		}
		return http.StatusOK, nil, "ok"
	})
	mails, smtpAddr := newMailSink(t)
	host, port, _ := net.SplitHostPort(smtpAddr)
	env := map[string]string{build.EnvSMTPHost: host, build.EnvSMTPPort: port, build.EnvSMTPFrom: "rootwatch@example.com", build.EnvSMTPTLS: "none"}
	set, err := build.Build(ctx, build.Config{}, []string{"webhook:" + rc.URL + "/hook", "email:sec@example.com"},
		build.Deps{HTTP: &http.Client{}, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	var targets []watch.Target
	for _, tg := range set.Targets {
		targets = append(targets, watch.Target{Name: tg.Name, Notifier: tg.Notifier, Wants: tg.Wants})
	}
	const approver = "sec@example.com=os:alice@bastion"
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: targets, Logger: testLog(t), TickEvery: 50 * time.Millisecond,
		Backoff: store.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, MaxAttempts: 1000}, AuditEvery: time.Hour,
		Audit: &watch.AuditOptions{Auditor: eng, Corrector: eng, Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{approver}}, Store: store.Locator(e.store)}})
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- svc.Run(ctx) }()
	defer func() { cancel(); <-ran }()

	isProposal := func(a webhookAlert) bool { return a.Alert.Details["event"] == watch.EventProposed }
	proposal := waitFor(t, hooks, "proposal at the webhook", isProposal)
	id := proposal.Alert.Details["correction"]
	for _, want := range []string{"rootwatch corrections approve " + id + " --store " + shellSafe(t, e.store) + " --reason TEXT", cis.FilterName, "metric-filter", "Expires "} {
		if !strings.Contains(proposal.Alert.Summary, want) {
			t.Errorf("webhook proposal lacks %q:\n%s", want, proposal.Alert.Summary)
		}
	}
	if proposal.Alert.Details["approvers"] != approver || proposal.Alert.Details["expires"] == "" {
		t.Errorf("proposal details = %v", proposal.Alert.Details)
	}
	msg := waitFor(t, mails.msgs, "proposal by email", func(m string) bool { return strings.Contains(m, "corrections approve "+id) })
	if !strings.Contains(msg, cis.FilterName) {
		t.Errorf("email proposal lacks the plan:\n%s", msg)
	}

	f, out := notifyFactory(nil)
	decide := func(identity string) error {
		return correctionsDecideRun(ctx, f, &correctionsDecideOptions{Store: e.store, ID: id, Decision: store.CorrectionApproved,
			Identity: identity, Reason: "CHG-7"})
	}
	if err := decide("os:mallory@laptop"); !errors.Is(err, ErrNotApprover) {
		t.Fatalf("a non-approver's decision: %v", err)
	}
	if c, _ := st.GetCorrection(ctx, id); c.State != store.CorrectionProposed {
		t.Fatalf("after a refused decision the correction is %s", c.State)
	}
	if err := decide("os:alice@bastion"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "approved by sec@example.com (os:alice@bastion)") {
		t.Errorf("approve says: %s", out)
	}
	// The audit ticks hourly: only the decision poll can apply it now.
	applied := waitFor(t, hooks, "applied result", func(a webhookAlert) bool {
		return a.Alert.Details["correction"] == id && a.Alert.Details["event"] != watch.EventApproved
	})
	if applied.Alert.Details["event"] != watch.EventApplied || !strings.Contains(applied.Alert.Summary, "journal run") ||
		!strings.Contains(applied.Alert.Summary, "Audit after: PASS") || !strings.Contains(applied.Alert.Summary, "CHG-7") {
		t.Fatalf("result: %s\n%s", applied.Alert.Details, applied.Alert.Summary)
	}
	waitFor(t, mails.msgs, "result by email", func(m string) bool { return strings.Contains(m, id) && strings.Contains(m, "Audit after: PASS") })

	// A stale plan: proposed for a missing filter, approved after the
	// alarm went too; nothing is applied and the current plan is proposed.
	e.c.Edit(func(c *awsfake.Cloud) {
		delete(c.Accounts[fixAccount].Region(fixRegion).LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
	})
	if err := svc.AuditOnce(ctx); err != nil {
		t.Fatal(err)
	}
	proposal = waitFor(t, hooks, "second proposal", isProposal)
	id = proposal.Alert.Details["correction"]
	runs := journalRuns(t, j)
	e.c.Edit(func(c *awsfake.Cloud) { delete(c.Accounts[fixAccount].Region(fixRegion).Alarms, cis.AlarmName) })
	if err := decide("os:alice@bastion"); err != nil {
		t.Fatal(err)
	}
	stale := waitFor(t, hooks, "stale result", func(a webhookAlert) bool {
		return a.Alert.Details["correction"] == id && a.Alert.Details["event"] != watch.EventApproved
	})
	if stale.Alert.Details["event"] != watch.EventStale {
		t.Fatalf("a stale plan: %s\n%s", stale.Alert.Details, stale.Alert.Summary)
	}
	if got := journalRuns(t, j); got != runs {
		t.Errorf("a stale plan started a journal run (%d → %d)", runs, got)
	}
	next := waitFor(t, hooks, "the current plan proposed", isProposal)
	if next.Alert.Details["correction"] == id || !strings.Contains(next.Alert.Summary, cis.AlarmName) {
		t.Errorf("re-proposal: %s\n%s", next.Alert.Details, next.Alert.Summary)
	}
	if c, _ := st.GetCorrection(ctx, id); c.State != store.CorrectionStale {
		t.Errorf("stale correction is %s", c.State)
	}
}

func journalRuns(t *testing.T, j *store.Journal) int {
	t.Helper()
	runs, err := j.Runs(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(runs)
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, nil))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// shellSafe is path as the proposal shows it: the test's temporary store
// needs no quoting, and a path that did would make the test say so.
func shellSafe(t *testing.T, path string) string {
	t.Helper()
	if strings.ContainsAny(path, " '\"$`\\") {
		t.Fatalf("temporary store path %q needs quoting", path)
	}
	return path
}
