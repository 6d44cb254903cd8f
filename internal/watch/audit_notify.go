package watch

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/store"
)

// Correction events, as notified: a failed correction and a refused
// decision are errors, the rest are info.
const (
	EventProposed = "proposed"
	EventApproved = "approved"
	EventRejected = "rejected"
	EventSkipped  = "skipped"
	EventApplied  = "applied"
	EventFailed   = "failed"
	EventStale    = "stale"
	EventExpired  = "expired"
	EventRefused  = "refused"
)

// correctionAlert tells the approvers what happened to correction c.
// A proposal carries what is broken, the exact plan, how to decide and
// when it expires; a result carries what was changed.
func correctionAlert(c store.Correction, event, text, storeArg, consoleURL string, now time.Time) alert.Alert {
	level, sev := route.LevelInfo, alert.SeverityInfo
	if event == EventFailed || event == EventRefused {
		level, sev = route.LevelError, alert.SeverityCritical
	}
	details := map[string]string{"correction": c.ID, "event": event}
	var b strings.Builder
	title := fmt.Sprintf("CIS 4.3 correction %s %s for %s", c.ID, event, c.Account)
	switch event {
	case EventProposed:
		title = fmt.Sprintf("CIS 4.3 correction proposed for %s: approve with rootwatch corrections approve %s", c.Account, c.ID)
		with := ""
		if storeArg != "" {
			with = " --store " + shellQuote(storeArg)
		}
		details["approve"] = "rootwatch corrections approve " + c.ID + with
		details["reject"] = "rootwatch corrections reject " + c.ID + with
		details["skip"] = "rootwatch corrections skip " + c.ID + with
		if !c.Expires.IsZero() {
			details["expires"] = c.Expires.UTC().Format(time.RFC3339)
		}
		if len(c.Approvers) > 0 {
			details["approvers"] = strings.Join(c.Approvers, ", ")
		}
		if len(c.Actions) > 0 {
			details["actions"] = strings.Join(c.Actions, ", ")
		}
		fmt.Fprintf(&b, "Broken: %s\n\nPlan:\n%s\n\nDecide (an approver: %s):\n  %s --reason TEXT\n  %s --reason TEXT\n  %s --reason TEXT\n",
			text, strings.TrimRight(c.Plan, "\n"), strings.Join(c.Approvers, ", "), details["approve"], details["reject"], details["skip"])
		if link := CorrectionLink(consoleURL, c.ID); link != "" {
			details["console"] = link
			fmt.Fprintf(&b, "Or in the console: %s\n", link)
		}
		if !c.Expires.IsZero() {
			fmt.Fprintf(&b, "Expires %s; re-proposed if the chain is still broken then.\n", c.Expires.UTC().Format(time.RFC3339))
		}
	default:
		if c.DecidedBy != "" {
			details["decided_by"] = c.DecidedBy
			fmt.Fprintf(&b, "Decided by %s", c.DecidedBy)
			if c.Reason != "" {
				fmt.Fprintf(&b, " (%s)", c.Reason)
			}
			b.WriteString(".\n")
		}
		b.WriteString(text)
	}
	a := alert.Alert{ID: hashID("correction", c.ID, event, now.String()), Rule: alert.RuleAudit, Kind: alert.KindAudit,
		Severity: sev, Title: title, Summary: strings.TrimSpace(b.String()), Account: c.Account, Created: now, Details: details}
	return withLevel(a, level)
}

// CorrectionLink is the console page of correction id under base (""
// when there is no console URL).
func CorrectionLink(base, id string) string {
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/corrections/" + url.PathEscape(id)
}

// notifyCorrection records correction alerts in the outbox.
func (s *Service) notifyCorrection(ctx context.Context, c store.Correction, event, text string) {
	if err := s.recordAuditAlerts(ctx, []alert.Alert{correctionAlert(c, event, text, s.o.Audit.Store, s.o.Audit.ConsoleURL, s.o.Now())}, nil); err != nil {
		s.log.Error("notify correction", "correction", c.ID, "event", event, "error", err)
	}
}

// shellQuote quotes s for a POSIX shell when it needs it, so the command
// in a proposal can be pasted as is.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
