package format

import (
	"fmt"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// MaxSubject is the subject limit every notifier can live with. SNS
// documents "less than 100 characters", so 99 is the ceiling.
const MaxSubject = 99

// minAlias is the shortest cut alias worth showing: fewer runes than this
// tell the reader nothing the account ID does not.
const minAlias = 6

// Subject renders "Root usage: ConsoleLogin in prod-payments (123456789012)"
// within max runes. When it must cut, it gives up, in order: the "+N more"
// count, the end of a long alias, the alias (the ID stays), the rule
// prefix, and finally the end of the event name; the event name's start
// and the account alias or ID are always there.
func Subject(a alert.Alert, max int) string {
	if max <= 0 {
		max = MaxSubject
	}
	prefix := OneLine(Prefix(a))
	what := OneLine(What(a))
	alias := OneLine(AccountAlias(a))
	id := OneLine(a.Account)
	more := ""
	if n := len(a.EventIDs); n > 1 {
		more = fmt.Sprintf(" +%d more", n-1)
	}

	build := func(prefix, what, more, alias, id string) string {
		s := what + more
		if prefix != "" {
			s = prefix + ": " + s
		}
		switch {
		case alias != "" && id != "":
			return s + " in " + alias + " (" + id + ")"
		case alias != "":
			return s + " in " + alias
		case id != "":
			return s + " in " + id
		}
		return s
	}
	fits := func(s string) bool { return runes(s) <= max }

	if s := build(prefix, what, more, alias, id); fits(s) {
		return s
	}
	if s := build(prefix, what, "", alias, id); fits(s) {
		return s
	}
	if alias != "" {
		// Cut the alias just enough, if what is left is still worth reading.
		over := runes(build(prefix, what, "", alias, id)) - max
		if keep := runes(alias) - over; keep >= minAlias {
			return build(prefix, what, "", Truncate(alias, keep), id)
		}
		if id != "" {
			if s := build(prefix, what, "", "", id); fits(s) {
				return s
			}
			if s := build("", what, "", "", id); fits(s) {
				return s
			}
			alias = ""
		}
	}
	if s := build("", what, "", alias, id); fits(s) {
		return s
	}
	// Only the event name and the account remain; share what is left
	// between them, the account first because it is shorter and the
	// event name's start is the recognisable part.
	account := id
	if account == "" {
		account = alias
	}
	fixed := runes(build("", "", "", "", account)) // " in ACCOUNT"
	if room := max - fixed; room >= minAlias {
		return build("", Truncate(what, room), "", "", account)
	}
	half := (max - runes(" in ")) / 2
	return Truncate(build("", Truncate(what, max-runes(" in ")-half), "", "", Truncate(account, half)), max)
}

// Prefix names the kind of alert in a few words.
func Prefix(a alert.Alert) string {
	switch {
	case a.Kind == alert.KindTest:
		return "rootwatch test"
	case a.Rule == alert.RuleRootUsage && a.Kind == alert.KindAlarm:
		return "Root usage alarm"
	case a.Rule == alert.RuleRootUsage:
		return "Root usage"
	case a.Rule == alert.RuleTamper:
		return "Monitoring tamper"
	case a.Rule == alert.RuleAudit || a.Kind == alert.KindAudit:
		return "CIS 4.3 chain"
	case a.Rule != "":
		return a.Rule
	}
	return "rootwatch"
}

// What is the subject's main word: the event name, else the alarm or audit
// state, else the title.
func What(a alert.Alert) string {
	switch {
	case a.EventName != "":
		return a.EventName
	case a.State != "":
		return a.State
	case a.Title != "":
		return a.Title
	}
	return "alert " + a.ID
}

// AccountAlias is the best human name of the account: the IAM alias, else
// the organization account name.
func AccountAlias(a alert.Alert) string {
	if a.AccountAlias != "" {
		return a.AccountAlias
	}
	return a.AccountName
}

// AccountLabel is "alias (id)", "id" or "alias", for bodies and cards.
func AccountLabel(a alert.Alert) string {
	alias := AccountAlias(a)
	switch {
	case alias != "" && a.Account != "":
		return alias + " (" + a.Account + ")"
	case alias != "":
		return alias
	case a.Account != "":
		return a.Account
	}
	return "unknown account"
}
