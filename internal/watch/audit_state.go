package watch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/route"
)

// chainState is what the last audit saw of one account's chain, kept in
// the checkpoint "audit:ACCOUNT". Notifications are decided against it:
// any change of status, broken link or detail is a change (not only of
// the status word), and a breakage that stays is reminded of every
// AuditOptions.Remind.
type chainState struct {
	Status   string   `json:"status"`
	Broken   string   `json:"broken,omitempty"`
	Detail   string   `json:"detail,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Notified is when this breakage was last notified (error level).
	Notified time.Time `json:"notified,omitzero"`
}

// parseChainState reads a checkpoint value. Before nested levels the
// value was the bare status word; it still reads (as a state whose link
// and detail are unknown, so the next breakage is notified once).
func parseChainState(v string) chainState {
	var st chainState
	if !strings.HasPrefix(v, "{") || json.Unmarshal([]byte(v), &st) != nil {
		return chainState{Status: v}
	}
	return st
}

func (st chainState) encode() string {
	b, _ := json.Marshal(st) // plain strings and a time: cannot fail
	return string(b)
}

// sameBreak reports whether r is the breakage st recorded.
func (st chainState) sameBreak(r ChainResult) bool {
	return st.Status == r.Status && st.Broken == r.Broken && st.Detail == r.Detail
}

// withLevel states a's notification level outright, so the router's
// per-notifier (and per-route) levels decide who hears it.
func withLevel(a alert.Alert, l route.Level) alert.Alert {
	if a.Details == nil {
		a.Details = map[string]string{}
	}
	a.Details[route.DetailLevel] = l.String()
	return a
}

// chainAlerts are the alerts one account's result is worth against what
// the last run saw, each at its level: a breakage (new, changed, or a
// reminder) is error, a heal and new warnings are info. It returns the
// state to remember.
func chainAlerts(r ChainResult, prev chainState, remind time.Duration, now time.Time) ([]alert.Alert, chainState) {
	next := chainState{Status: r.Status, Broken: r.Broken, Detail: r.Detail, Warnings: r.Warnings}
	var out []alert.Alert
	switch {
	case r.Status != ChainPass && !prev.sameBreak(r):
		next.Notified = now
		out = append(out, withLevel(chainAlert(r, prev, now, ""), route.LevelError))
	case r.Status != ChainPass:
		next.Notified = prev.Notified
		if remind > 0 && now.Sub(prev.Notified) >= remind {
			next.Notified = now
			out = append(out, withLevel(chainAlert(r, prev, now, prev.Notified.Format(time.RFC3339)), route.LevelError))
		}
	case prev.Status != "" && prev.Status != ChainPass:
		out = append(out, withLevel(chainAlert(r, prev, now, ""), route.LevelInfo))
	}
	var fresh []string
	for _, w := range r.Warnings {
		if !slices.Contains(prev.Warnings, w) {
			fresh = append(fresh, w)
		}
	}
	if len(fresh) > 0 {
		a := alert.Alert{ID: hashID("warnings", r.Account, strings.Join(fresh, "\n"), now.String()), Rule: alert.RuleAudit,
			Kind: alert.KindAudit, Severity: alert.SeverityInfo, Account: r.Account,
			Title:   fmt.Sprintf("CIS 4.3 chain of %s: %d new warning(s)", r.Account, len(fresh)),
			Summary: strings.Join(fresh, "\n"), Details: map[string]string{"warnings": fmt.Sprint(len(fresh))}}
		out = append(out, withLevel(a, route.LevelInfo))
	}
	return out, next
}

func chainAlert(r ChainResult, prev chainState, now time.Time, since string) alert.Alert {
	sev := alert.SeverityCritical
	title := fmt.Sprintf("CIS 4.3 chain broken in %s at %s", r.Account, r.Broken)
	switch r.Status {
	case ChainPass:
		sev, title = alert.SeverityInfo, "CIS 4.3 chain healed in "+r.Account
	case ChainUnknown:
		sev, title = alert.SeverityWarning, fmt.Sprintf("CIS 4.3 chain of %s could not be checked at %s", r.Account, r.Broken)
	}
	details := map[string]string{"link": r.Broken}
	if prev.Broken != "" && prev.Broken != r.Broken {
		details["previous_link"] = prev.Broken
	}
	if since != "" {
		title = "Reminder: " + title
		details["reminder"] = "true"
		details["notified_at"] = since
	}
	return alert.Alert{
		ID: hashID("chain", r.Account, r.Status, r.Broken, r.Detail, prev.Status, prev.Broken, now.String()), Rule: alert.RuleAudit,
		Kind: alert.KindAudit, Severity: sev, Title: title, Summary: r.Detail, Account: r.Account,
		State: r.Status, PreviousState: prev.Status, Details: details,
	}
}
