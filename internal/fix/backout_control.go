package fix

// The CIS backout plan switches off the actions of the alarm that
// implements the control, whoever built it: rootwatch fix, the CIS setup
// guides' RootAccountUsageAlarm, a Terraform module. The alarm *is* the
// chain, so switching its actions is using it, not taking it over; what
// backout deletes (--remove) is still only what rootwatch made and the
// live resource proves (backout_owner.go).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/store"
)

// NoControlError: backout was asked to switch actions, and no alarm
// implements the control where it looked (or none of that --alarm name).
type NoControlError struct {
	// Alarm is the --alarm name asked for, if any.
	Alarm string
	// Candidates are the control alarms there are (with another name).
	Candidates []audit.ControlAlarm
}

func (e *NoControlError) Error() string {
	if e.Alarm != "" {
		msg := fmt.Sprintf("no alarm named %s implements the control (CIS %s)", e.Alarm, cis.ControlID)
		if len(e.Candidates) > 0 {
			msg += "; these do: " + candidateList(e.Candidates)
		}
		return msg
	}
	return fmt.Sprintf("nothing implements the control (CIS %s): no alarm watches the metric of a root-usage metric filter on a log group a trail delivers to (rootwatch audit shows why; rootwatch fix builds the chain)", cis.ControlID)
}

// AmbiguousAlarmError: an account has more than one alarm that implements
// the control, and backout will not guess which one to switch.
type AmbiguousAlarmError struct {
	Candidates []audit.ControlAlarm
}

func (e *AmbiguousAlarmError) Error() string {
	return "more than one alarm implements the control; name the one to switch with --alarm NAME: " + candidateList(e.Candidates)
}

func candidateList(cs []audit.ControlAlarm) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s (account %s, %s)", c.Name, c.Account, c.Region))
	}
	return strings.Join(parts, ", ")
}

// switchTargets picks the alarms the action switch works on: every alarm
// that implements the control (from the audit) plus the alarms the
// journal says rootwatch made and the audit did not see (an account it
// did not read), limited to accounts (the alarm's or a covered one) and
// to alarm when named. The seeds' name and rootwatch's default name are
// the same chain, so --alarm with one finds the other when only the
// other exists. One alarm per account, or an AmbiguousAlarmError.
func switchTargets(control []audit.ControlAlarm, journaled []store.Change, accounts []string, alarm string) ([]audit.ControlAlarm, error) {
	all := slices.Clone(control)
	for _, c := range journaled {
		if Kind(c.Kind) != KindAlarm || c.Command == "backout" {
			continue
		}
		if !slices.ContainsFunc(all, func(a audit.ControlAlarm) bool {
			return a.Account == c.Account && a.Region == c.Region && a.Name == c.Resource
		}) {
			all = append(all, audit.ControlAlarm{Accounts: []string{c.Account}, Account: c.Account, Region: c.Region, Name: c.Resource})
		}
	}
	if len(accounts) > 0 {
		all = slices.DeleteFunc(all, func(a audit.ControlAlarm) bool {
			return !slices.Contains(accounts, a.Account) && !slices.ContainsFunc(a.Accounts, func(id string) bool { return slices.Contains(accounts, id) })
		})
	}
	if alarm != "" {
		named := func(n string) []audit.ControlAlarm {
			return slices.DeleteFunc(slices.Clone(all), func(a audit.ControlAlarm) bool { return a.Name != n })
		}
		picked := named(alarm)
		if alias := cis.AlarmNameAlias(alarm); len(picked) == 0 && alias != "" {
			picked = named(alias)
		}
		if len(picked) == 0 {
			return nil, &NoControlError{Alarm: alarm, Candidates: all}
		}
		all = picked
	}
	if len(all) == 0 {
		return nil, &NoControlError{}
	}
	per := map[string]int{}
	for _, a := range all {
		per[a.Account]++
	}
	for _, n := range per {
		if n > 1 {
			return nil, &AmbiguousAlarmError{Candidates: all}
		}
	}
	return all, nil
}
