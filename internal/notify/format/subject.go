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
	return subject(a, max, unicodeText)
}

// ASCIISubject is Subject for receivers that take printable ASCII only:
// SNS (the Publish API reference: "ASCII text that begins with a letter,
// number, or punctuation mark; must not include line breaks or control
// characters; and must be less than 100 characters long"; an endpoint that
// enforces it refuses the publish, and Lambda mode then dead-letters the
// root alert). Accented letters lose their accents, other non-ASCII runs
// become "?", a cut ends in "...", and max counts bytes (= characters).
// An alias with nothing readable left is dropped: the account ID says more.
func ASCIISubject(a alert.Alert, max int) string {
	return subject(a, max, asciiText)
}

// textStyle is how a subject's parts are cleaned and cut.
type textStyle struct {
	clean    func(string) string
	ellipsis string
	// readableAlias drops an alias that cleaning left without a letter or
	// digit ("???" from a non-Latin alias).
	readableAlias bool
}

var (
	unicodeText = textStyle{clean: OneLine, ellipsis: Ellipsis}
	asciiText   = textStyle{clean: func(s string) string { return OneLine(ASCII(OneLine(s))) }, ellipsis: ASCIIEllipsis, readableAlias: true}
)

func subject(a alert.Alert, max int, st textStyle) string {
	if max <= 0 {
		max = MaxSubject
	}
	cut := func(s string, max int) string { return truncateWith(s, max, st.ellipsis) }
	prefix := st.clean(Prefix(a))
	what := st.clean(What(a))
	if what == "" {
		what = "alert" // an event name of control characters only
	}
	alias := st.clean(AccountAlias(a))
	if st.readableAlias && !readable(alias) {
		alias = ""
	}
	id := st.clean(a.Account)
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
		if keep := runes(alias) - over; keep >= minAlias-1+runes(st.ellipsis) {
			return build(prefix, what, "", cut(alias, keep), id)
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
	if room := max - fixed; room >= minAlias-1+runes(st.ellipsis) {
		return build("", cut(what, room), "", "", account)
	}
	half := (max - runes(" in ")) / 2
	return cut(build("", cut(what, max-runes(" in ")-half), "", "", cut(account, half)), max)
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
