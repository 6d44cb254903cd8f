package console

import (
	"net/url"
	"strings"

	"github.com/rootwatch/rootwatch/internal/store"
)

func overviewHTML(p *page, v view) {
	ov := v.Data.(Overview)
	p.raw("<h1>Overview</h1>\n<div class=\"cards\">\n")
	for _, s := range v.Statuses {
		p.raw(`<div class="card `, s, `"><b>`)
		p.int(ov.Counts[s])
		p.raw("</b>", s, "</div>\n")
	}
	p.raw("</div>\n<p class=\"meta\">")
	if r := ov.LastRun; r != nil {
		p.raw("Last audit ")
		p.when(r.At)
		p.raw(": ")
		if r.Error != "" {
			p.raw(`<span class="FAIL">failed: `)
			p.text(r.Error)
			p.raw("</span> (the results below are from the run before)")
		} else {
			p.int(r.Pass)
			p.raw(" of ")
			p.int(r.Accounts)
			p.raw(" account(s) PASS")
		}
		p.raw(".")
	} else {
		p.raw("No audit has run yet: watch records one every --audit-every.")
	}
	p.raw("</p>\n<form class=\"filter\" method=\"get\" action=\"/overview\">\n<label>Status ")
	p.selectOpts("status", v.Filter.Status, v.Statuses)
	p.raw(`</label>` + "\n" + `<label>Account <input name="account" value="`)
	p.text(v.Filter.Account)
	p.raw(`" placeholder="ID or name"></label>` + "\n" + `<label>OU <input name="ou" value="`)
	p.text(v.Filter.OU)
	p.raw("\" placeholder=\"ou-… or r-…\"></label>\n<button type=\"submit\">Filter</button>\n</form>\n<table id=\"accounts\">\n",
		"<tr><th>Account</th><th>Status</th><th>Broken link</th><th>Warnings</th><th>Covered by</th><th>Regions</th><th>Audited</th></tr>\n")
	for _, a := range ov.Page.Items {
		p.raw(`<tr><td><a href="`)
		p.path("/accounts/", a.Account)
		p.raw(`">`)
		p.text(a.Account)
		p.raw("</a>")
		if a.Name != "" {
			p.raw(`<br><span class="meta">`)
			p.text(a.Name)
			p.raw("</span>")
		}
		if len(a.OUs) > 0 {
			p.raw(`<br><span class="meta">`)
			p.text(strings.Join(a.OUs, " / "))
			p.raw("</span>")
		}
		p.raw("</td>")
		p.statusCell(a.Status)
		p.raw("<td>")
		p.text(a.Broken)
		if a.Broken != "" && a.Detail != "" {
			p.raw(`<br><span class="meta">`)
			p.text(a.Detail)
			p.raw("</span>")
		}
		p.raw("</td><td>")
		if a.Warnings > 0 {
			p.raw(`<span class="WARN">`)
			p.int(a.Warnings)
			p.raw("</span>")
		} else {
			p.raw("0")
		}
		p.raw("</td><td>")
		p.text(a.CoveredBy)
		p.raw(`</td><td title="`)
		p.text(strings.Join(a.Regions, ", "))
		p.raw(`">`)
		p.int(len(a.Regions))
		p.raw("</td><td>")
		p.when(a.Audited)
		p.raw("</td></tr>\n")
	}
	if len(ov.Page.Items) == 0 {
		p.raw("<tr><td colspan=\"7\">No account matches.</td></tr>\n")
	}
	p.raw("</table>\n")
	p.pager(v.Pager)
}

func accountHTML(p *page, v view) {
	a := v.Data.(Account)
	p.raw("<h1>Account ")
	p.text(a.Account)
	if a.Name != "" {
		p.raw(" (")
		p.text(a.Name)
		p.raw(")")
	}
	p.raw(` — <span class="`)
	p.text(a.Status)
	p.raw(`">`)
	p.text(a.Status)
	p.raw("</span></h1>\n<p class=\"meta\">Audited ")
	p.when(a.Audited)
	if len(a.Regions) > 0 {
		p.raw(" in ")
		p.int(len(a.Regions))
		p.raw(" region(s): ")
		p.text(strings.Join(a.Regions, ", "))
	}
	p.raw(".</p>\n<h2>Status over the last ")
	p.int(len(a.History))
	p.raw(" audit(s)</h2>\n", statusChart(a.History), "\n<h2>Evidence</h2>\n")
	if v.Evidence != "" {
		p.raw(v.Evidence) // the HTML report's writer escaped every value in it
	} else {
		p.raw("<p class=\"meta\">The run that recorded this result kept no evidence.</p>\n")
	}
	p.raw("<h2>History</h2>\n<table><tr><th>Audit</th><th>Status</th><th>Broken link</th><th>Warnings</th></tr>\n")
	for _, h := range a.History {
		p.raw("<tr><td>")
		p.when(h.At)
		p.raw("</td>")
		p.statusCell(h.Status)
		p.raw("<td>")
		p.text(h.Broken)
		p.raw("</td><td>")
		p.int(h.Warnings)
		p.raw("</td></tr>\n")
	}
	p.raw("</table>\n")
}

func alertsHTML(p *page, v view) {
	pg := v.Data.(Page[Alert])
	p.raw("<h1>Alerts</h1>\n<h2>Root activity per day (alerts, one per root session; last ")
	p.int(len(v.PerDay))
	p.raw(" days)</h2>\n", dayBars(v.PerDay), "\n<form class=\"filter\" method=\"get\" action=\"/alerts\">\n<label>Rule ")
	p.selectOpts("rule", v.AlertFilter.Rule, v.Rules)
	p.raw(`</label>` + "\n" + `<label><input type="checkbox" name="dead" value="true"`)
	if v.AlertFilter.Dead {
		p.raw(" checked")
	}
	p.raw("> with a dead delivery</label>\n<button type=\"submit\">Filter</button>\n</form>\n<table id=\"alerts\">\n",
		"<tr><th>When</th><th>Alert</th><th>Who, from where</th><th>Deliveries</th></tr>\n")
	for _, a := range pg.Items {
		p.raw(`<tr id="alert-`)
		p.text(a.ID)
		p.raw(`"><td>`)
		p.when(a.Created)
		p.raw(`<br><span class="sev `, a.Severity.String(), `">`, a.Severity.String(), "</span></td>\n<td><b class=\"title\">")
		p.text(a.Title)
		p.raw(`</b><br><span class="meta">`)
		p.text(a.Rule)
		p.raw(" · account ")
		p.text(a.Account)
		if a.AccountName != "" {
			p.raw(" (")
			p.text(a.AccountName)
			p.raw(")")
		}
		if a.Region != "" {
			p.raw(" · ")
			p.text(a.Region)
		}
		p.raw("</span>")
		if a.EventName != "" {
			p.raw(`<br>event <code class="event">`)
			p.text(a.EventName)
			p.raw("</code>")
			if a.EventSource != "" {
				p.raw(" from <code>")
				p.text(a.EventSource)
				p.raw("</code>")
			}
			if a.EventCount > 0 {
				p.raw(" (")
				p.int(a.EventCount)
				p.raw(" event(s))")
			}
		}
		if a.Summary != "" {
			p.raw(`<pre class="summary">`)
			p.text(a.Summary)
			p.raw("</pre>")
		}
		p.raw("</td>\n<td>")
		if a.Identity != "" {
			p.raw(`<code class="identity">`)
			p.text(a.Identity)
			p.raw("</code><br>")
		}
		if a.SourceIP != "" {
			p.raw(`from <code class="ip">`)
			p.text(a.SourceIP)
			p.raw("</code><br>")
		}
		if a.UserAgent != "" {
			p.raw(`<span class="meta ua">`)
			p.text(a.UserAgent)
			p.raw("</span><br>")
		}
		if a.MFAUsed != "" {
			p.raw("MFA: ")
			p.text(a.MFAUsed)
			p.raw("<br>")
		}
		if a.Link != "" {
			p.raw(`<a href="`)
			p.text(a.Link)
			p.raw(`" rel="noopener noreferrer">CloudTrail console</a>`)
		}
		p.raw("</td>\n<td><ul class=\"deliveries\">")
		dead := false
		for _, d := range a.Deliveries {
			dead = dead || d.State == store.OutboxDead
			p.raw(`<li class="`)
			p.text(d.State)
			p.raw(`">`)
			p.text(d.Notifier)
			p.raw(": <b>")
			p.text(d.State)
			p.raw("</b>")
			if d.Attempts > 0 {
				p.raw(" after ")
				p.int(d.Attempts)
				p.raw(" attempt(s)")
			}
			if d.LastError != "" {
				p.raw(`<br><span class="meta">`)
				p.text(d.LastError)
				p.raw("</span>")
			}
			p.raw("</li>")
		}
		p.raw("</ul>\n")
		if dead && v.Approver {
			p.raw(`<form method="post" action="`)
			p.path("/alerts/", a.ID)
			p.raw(`/retry">`)
			p.csrf(v)
			p.raw(`<button type="submit" class="retry">Retry dead deliveries</button></form>`)
		}
		p.raw("</td>\n</tr>\n")
	}
	if len(pg.Items) == 0 {
		p.raw("<tr><td colspan=\"4\">No alert.</td></tr>\n")
	}
	p.raw("</table>\n")
	p.pager(v.Pager)
}

func correctionsHTML(p *page, v view) {
	waiting := v.Data.(Page[Correction])
	p.raw("<h1>Corrections</h1>\n<h2>Waiting for a decision (")
	p.int(waiting.Total)
	p.raw(")</h2>\n")
	for _, c := range waiting.Items {
		correctionHTML(p, v, c)
	}
	if len(waiting.Items) == 0 {
		p.raw("<p class=\"meta\">Nothing waits for a decision.</p>\n")
	}
	p.raw("<h2>History</h2>\n<table id=\"history\"><tr><th>Proposed</th><th>Account</th><th>State</th><th>Decided by</th><th>Why</th><th>Result</th></tr>\n")
	for _, c := range v.History.Items {
		p.raw(`<tr><td><a href="`)
		p.path("/corrections/", c.ID)
		p.raw(`">`)
		p.when(c.Created)
		p.raw("</a></td><td>")
		p.text(c.Account)
		p.raw("</td>")
		p.statusCell(c.State)
		p.raw("<td>")
		p.text(c.DecidedBy)
		if !c.DecidedAt.IsZero() {
			p.raw(`<br><span class="meta">`)
			p.when(c.DecidedAt)
			p.raw("</span>")
		}
		p.raw("</td><td>")
		p.text(c.Reason)
		p.raw(`</td><td><pre class="summary">`)
		p.text(c.Result)
		p.raw("</pre></td></tr>\n")
	}
	if len(v.History.Items) == 0 {
		p.raw("<tr><td colspan=\"6\">No decision yet.</td></tr>\n")
	}
	p.raw("</table>\n")
	p.pager(v.Pager)
}

func correctionHTML(p *page, v view, c Correction) {
	p.raw(`<section class="correction" id="correction-`)
	p.text(c.ID)
	p.raw(`">` + "\n" + `<h3><a href="`)
	p.path("/corrections/", c.ID)
	p.raw(`">Correction `)
	p.text(c.ID)
	p.raw(`</a> for account <a href="`)
	p.path("/accounts/", c.Account)
	p.raw(`">`)
	p.text(c.Account)
	p.raw(`</a> — <span class="st `)
	p.text(c.State)
	p.raw(`">`)
	p.text(c.State)
	p.raw("</span></h3>\n<p class=\"meta\">Proposed ")
	p.when(c.Created)
	if !c.Expires.IsZero() {
		p.raw(", expires ")
		p.when(c.Expires)
	}
	p.raw(". Approvers: ")
	p.text(strings.Join(c.Approvers, ", "))
	p.raw(". Allowed: ")
	p.text(strings.Join(c.Actions, ", "))
	p.raw(".</p>\n")
	if c.DecidedBy != "" {
		p.raw("<p>Decided by ")
		p.text(c.DecidedBy)
		if !c.DecidedAt.IsZero() {
			p.raw(" at ")
			p.when(c.DecidedAt)
		}
		if c.Reason != "" {
			p.raw(": “")
			p.text(c.Reason)
			p.raw("”")
		}
		p.raw("</p>\n")
	}
	if c.Result != "" {
		p.raw(`<pre class="summary result">`)
		p.text(c.Result)
		p.raw("</pre>\n")
	}
	p.raw(`<details open><summary>Plan</summary><pre class="plan">`)
	p.text(c.Plan)
	p.raw("</pre></details>\n")
	switch {
	case c.State == store.CorrectionProposed && v.Approver:
		p.raw(`<form class="decide" method="post" action="`)
		p.path("/corrections/", c.ID)
		p.raw(`/decision">`)
		p.csrf(v)
		p.raw("\n<label>Reason <input name=\"reason\" size=\"60\" maxlength=\"2000\"></label>\n",
			"<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"approve\">Approve</button>\n",
			"<button type=\"submit\" name=\"decision\" value=\"reject\" class=\"reject\">Reject</button>\n",
			"<button type=\"submit\" name=\"decision\" value=\"skip\" class=\"skip\">Skip</button>\n</form>\n")
	case c.State == store.CorrectionProposed:
		p.raw("<p class=\"meta\">Viewers see proposals; only an approver decides.</p>\n")
	}
	p.raw("</section>\n")
}

func loginHTML(p *page, v view) {
	p.raw("<h1>Log in</h1>\n")
	if v.OIDC {
		p.raw(`<p><a class="button" id="sso" href="/login/oidc?next=`)
		p.text(url.QueryEscape(v.Next))
		p.raw("\">Log in with your identity provider</a></p>\n")
	}
	if v.Tokens {
		p.raw(`<form method="post" action="/login/token" class="filter">` + "\n" + `<input type="hidden" name="next" value="`)
		p.text(v.Next)
		p.raw("\">\n<label>Access token <input type=\"password\" name=\"token\" autocomplete=\"off\"></label>\n<button type=\"submit\">Log in</button>\n</form>\n")
	}
}

func errorHTML(p *page, v view) {
	p.raw("<h1>")
	p.text(v.Title)
	p.raw("</h1>\n<p class=\"error\" id=\"error\">")
	p.text(v.Message)
	p.raw("</p>\n<p><a href=\"/overview\">Back to the overview</a></p>\n")
}
