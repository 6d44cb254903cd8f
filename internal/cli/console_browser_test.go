package cli

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/console"
	"github.com/rootwatch/rootwatch/internal/console/oidctest"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// EnvUpdateScreenshots, set to 1, makes the browser test write the
// console's screenshots to docs/console/*.png.
const EnvUpdateScreenshots = "ROOTWATCH_UPDATE_SCREENSHOTS"

// chromium finds Debian's Chromium: missing, the test is skipped on a
// laptop and fails in CI (CI=true), where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; the console's browser test needs it")
	return ""
}

// freePort reserves a loopback port for the watch listener: the console
// must know its own URL (the OIDC redirect) before watch binds it.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// The console in a real headless Chromium, served by a running watch over
// the fake cloud with the real fix engine: a viewer and an approver log
// in through an OpenID provider on loopback; the viewer cannot approve;
// the approver approves the proposed fix and the account goes from FAIL
// to PASS; a dead alert is retried and delivered; CloudTrail text holding
// <script> shows as text.
func TestConsoleBrowser(t *testing.T) {
	exe := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	e := newFixEnv(t)
	e.c.Edit(func(c *awsfake.Cloud) {
		delete(c.Accounts[fixAccount].Region(fixRegion).LogGroups[awsfake.ChainLogGroup].Filters, cis.FilterName)
	})
	eng, st, _ := e.fixEngine(t)
	hooks := notifytest.NewReceiver(t)
	var refuse atomic.Bool // the receiver refuses the hostile alert for good (HTTP 410) while set
	refuse.Store(true)
	hooks.SetAnswer(func(r notifytest.Request) (int, http.Header, string) {
		if refuse.Load() && strings.Contains(string(r.Body), "rw-hostile") {
			return http.StatusGone, nil, "gone"
		}
		return http.StatusOK, nil, "ok"
	})
	set, err := build.Build(ctx, build.Config{}, []string{"webhook:" + hooks.URL + "/hook"}, build.Deps{HTTP: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	var targets []watch.Target
	for _, tg := range set.Targets {
		targets = append(targets, watch.Target{Name: tg.Name, Notifier: tg.Notifier, Wants: tg.Wants})
	}

	is := oidctest.New(t, "rootwatch-console")
	addr := freePort(t)
	base := "http://" + addr
	con, err := console.New(console.Options{Store: st, URL: base, Logger: testLog(t), OIDC: &console.OIDC{
		Issuer: is.URL, ClientID: "rootwatch-console", ClientSecret: "s3cret", Scopes: []string{"email"},
		ViewerGroup: "sec-viewers", ApproverGroup: "sec-approvers"}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: targets, Logger: testLog(t), TickEvery: 50 * time.Millisecond,
		Listen: addr, Console: con, AuditEvery: time.Hour,
		Backoff: store.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, MaxAttempts: 1000},
		Audit: &watch.AuditOptions{Auditor: eng, Corrector: eng, ConsoleURL: base,
			Policy: watch.Policy{Default: watch.ActionAsk, Approvers: []string{"sec@example.com=console:alice"}}}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- svc.Run(runCtx) }()
	defer func() { stop(); <-ran }()

	// The proposal, with its console link.
	var corr store.Correction
	eventually(t, "a proposed correction", func() bool {
		cs, _ := st.ListCorrections(ctx, store.CorrectionProposed)
		if len(cs) == 1 {
			corr = cs[0]
		}
		return len(cs) == 1
	})
	eventually(t, "the proposal's console link at the webhook", func() bool {
		for _, r := range hooks.Requests() {
			if strings.Contains(string(r.Body), base+"/corrections/"+corr.ID) {
				return true
			}
		}
		return false
	})

	// A root-activity alert whose CloudTrail text is hostile, delivered
	// to a notifier that refused it for good.
	const hostile = `<script>document.title="owned"</script>`
	hostileAlert := alert.Alert{ID: "rw-hostile", Rule: alert.RuleRootUsage, Kind: alert.KindEvent, Severity: alert.SeverityCritical,
		Title: "Root activity in " + fixAccount, Account: fixAccount, Region: fixRegion, EventName: "ConsoleLogin",
		SourceIP: hostile, UserAgent: hostile, Identity: "Root", MFAUsed: "No", EventIDs: []string{"ev-1"}, Created: time.Now()}
	deadAlert(t, st, hostileAlert, targets[0].Name)
	refuse.Store(false)

	dir := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	value := func(what string, a chromedp.Action[int]) int {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	shots := os.Getenv(EnvUpdateScreenshots) == "1"
	shoot := func(name string) {
		t.Helper()
		if !shots {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join("..", "..", "docs", "console", name+".png")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	login := func(u oidctest.User) {
		t.Helper()
		is.As(u)
		run("log in as "+u.Subject, chromedp.Navigate(base+"/overview"), chromedp.WaitVisible(chromedp.CSS("#sso")),
			chromedp.Click(chromedp.CSS("#sso")), chromedp.WaitVisible(chromedp.CSS("#whoami")))
		if who := text("#whoami"); !strings.Contains(who, "console:"+u.Subject) {
			t.Fatalf("logged in as %q, want console:%s", who, u.Subject)
		}
	}

	// The viewer sees the account FAIL and the proposal, and cannot approve.
	login(oidctest.User{Subject: "vera", Email: "vera@example.com", Groups: []string{"sec-viewers"}})
	if got := text("#accounts td.st"); got != "FAIL" {
		t.Fatalf("overview status = %q, want FAIL", got)
	}
	run("open corrections", chromedp.Navigate(base+"/corrections/"+corr.ID), chromedp.WaitVisible(chromedp.CSS(".plan")))
	if value("count approve buttons", chromedp.Evaluate[int](`document.querySelectorAll("button.approve").length`)) != 0 {
		t.Fatal("a viewer is offered the approve button")
	}
	// A forged approve from the viewer's own session, with its CSRF token
	// (the page has no script and its policy allows none; the test's DOM
	// access builds the form).
	value("viewer posts an approve", chromedp.Evaluate[int](`(() => {
		const f = document.createElement("form");
		f.method = "POST";
		f.action = "/corrections/`+corr.ID+`/decision";
		for (const [k, v] of [["decision", "approve"], ["csrf", document.querySelector("input[name=csrf]").value]]) {
			const i = document.createElement("input");
			i.type = "hidden"; i.name = k; i.value = v;
			f.appendChild(i);
		}
		document.body.appendChild(f);
		f.submit();
		return 1;
	})()`))
	run("the refusal", chromedp.WaitVisible(chromedp.CSS("#error")))
	if got := text("h1"); got != "Forbidden" {
		t.Fatalf("a viewer's approve: page %q, want Forbidden (%s)", got, text("#error"))
	}
	if c, _ := st.GetCorrection(ctx, corr.ID); c.State != store.CorrectionProposed {
		t.Fatalf("after the viewer's approve the correction is %s", c.State)
	}
	run("log out", chromedp.Click(chromedp.CSS(".who button")), chromedp.WaitVisible(chromedp.CSS("#sso")))

	// The approver approves; watch applies it; the account PASSes.
	login(oidctest.User{Subject: "alice", Email: "alice@example.com", Groups: []string{"sec-viewers", "sec-approvers"}})
	run("open corrections", chromedp.Navigate(base+"/corrections"), chromedp.WaitVisible(chromedp.CSS("button.approve")))
	shoot("corrections")
	run("approve", chromedp.SendKeys(chromedp.CSS("input[name=reason]"), "CHG-42"),
		chromedp.Click(chromedp.CSS("button.approve")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	eventually(t, "the approved correction applied", func() bool {
		c, _ := st.GetCorrection(ctx, corr.ID)
		return c.State == store.CorrectionApplied
	})
	c, _ := st.GetCorrection(ctx, corr.ID)
	if c.DecidedBy != "sec@example.com (console:alice)" || c.Reason != "CHG-42" {
		t.Errorf("decision recorded as by %q, why %q", c.DecidedBy, c.Reason)
	}
	run("overview", chromedp.Navigate(base+"/overview"), chromedp.WaitVisible(chromedp.CSS("#accounts")))
	if got := text("#accounts td.st"); got != "PASS" {
		t.Fatalf("after the approved correction the overview says %q, want PASS", got)
	}
	shoot("overview")
	run("account", chromedp.Navigate(base+"/accounts/"+fixAccount), chromedp.WaitVisible(chromedp.CSS("svg.history")))
	shoot("account")

	// Alerts: hostile text shows as text; the dead delivery is retried.
	run("alerts", chromedp.Navigate(base+"/alerts"), chromedp.WaitVisible(chromedp.CSS("#alert-rw-hostile")))
	if got := text("#alert-rw-hostile code.ip"); got != hostile {
		t.Errorf("source IP shows as %q, want the text %q", got, hostile)
	}
	scripts := value("count scripts", chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if scripts != 0 || title == "owned" {
		t.Errorf("CloudTrail text became markup: %d script element(s), title %q", scripts, title)
	}
	shoot("alerts")
	run("retry", chromedp.Click(chromedp.CSS("#alert-rw-hostile button.retry")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	eventually(t, "the retried alert delivered", func() bool {
		items, _ := st.ListOutbox(ctx, store.OutboxFilter{AlertID: hostileAlert.ID})
		return len(items) == 1 && items[0].State == store.OutboxSent
	})
}

// deadAlert records a for notifier; the running dispatcher delivers it,
// the receiver refuses it for good, and the delivery is dead.
func deadAlert(t *testing.T, st *store.Store, a alert.Alert, notifier string) {
	t.Helper()
	ctx := context.Background()
	if err := st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := st.Enqueue(ctx, tx, a, []string{notifier}, a.Created)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the alert's delivery dead", func() bool {
		items, err := st.ListOutbox(ctx, store.OutboxFilter{AlertID: a.ID})
		return err == nil && len(items) == 1 && items[0].State == store.OutboxDead
	})
}

// eventually polls ok until it holds; the bound only stops a hung test.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
