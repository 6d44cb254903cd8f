package cli

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// auditFlags are the flags of watch.audit in rootwatch.yaml, one per key
// (auditFlagOf; a test checks both ways).
type auditFlags struct {
	Level           string
	Remind          time.Duration
	RoleName        string
	Regions         []string
	Email           []string
	Subscribe       []string
	Approvers       []string
	DefaultAction   string
	Actions         []string
	ProposalTTL     time.Duration
	AccountAction   []string // MATCH=ACTION
	AccountActions  []string // MATCH=ACTION,ACTION
	AccountApprover []string // MATCH=APPROVER
}

// auditFlagOf maps each key of watch.audit to its flag. accounts has
// three: each sets one field of an entry matching one account or pattern.
var auditFlagOf = map[string][]string{
	"every": {"audit-every"}, "correct": {"correct"}, "level": {"audit-level"}, "remind": {"audit-remind"},
	"org": {"org"}, "role_name": {"role-name"}, "regions": {"audit-region"}, "email": {"audit-email"},
	"subscribe": {"audit-subscribe"}, "approvers": {"approver"}, "default_action": {"default-action"},
	"actions": {"actions"}, "proposal_ttl": {"proposal-ttl"},
	"accounts": {"account-action", "account-actions", "account-approver"},
}

func bindAuditFlags(fl *pflag.FlagSet, o *auditFlags) {
	fl.StringVar(&o.Level, "audit-level", "", "most detailed audit alert made: error, info or verbose (default verbose; each notifier's level decides who hears what)")
	fl.DurationVar(&o.Remind, "audit-remind", 0, "notify a chain that stays broken again this often (default 24h; negative: never)")
	fl.StringVar(&o.RoleName, "role-name", "", "role assumed in member accounts with --org (default OrganizationAccountAccessRole)")
	fl.StringArrayVar(&o.Regions, "audit-region", nil, "`REGION` to audit (repeatable; default all enabled)")
	fl.StringArrayVar(&o.Email, "audit-email", nil, "`ADDRESS` a correction subscribes when the chain has no subscription (repeatable)")
	fl.StringArrayVar(&o.Subscribe, "audit-subscribe", nil, "`PROTOCOL:ENDPOINT` a correction subscribes, as fix --subscribe (repeatable)")
	fl.StringArrayVar(&o.Approvers, "approver", nil, "`APPROVER` who decides corrections: EMAIL, slack:@USER, slack:S0123, os:USER@HOST, console:SUBJECT, or PRINCIPAL=os:USER@HOST (repeatable)")
	fl.StringVar(&o.DefaultAction, "default-action", "", "on a broken chain: notify, ask, correct or skip (default from --correct)")
	fl.StringSliceVar(&o.Actions, "actions", nil, "allowed actions, comma-separated (default notify,ask,correct,skip)")
	fl.DurationVar(&o.ProposalTTL, "proposal-ttl", 0, "how long a proposal waits for a decision (default 168h)")
	fl.StringArrayVar(&o.AccountAction, "account-action", nil, "`ACCOUNT=ACTION` default action for an account, pattern or OU ID (repeatable)")
	fl.StringArrayVar(&o.AccountActions, "account-actions", nil, "`ACCOUNT=ACTION,...` allowed actions for an account, pattern or OU ID (repeatable)")
	fl.StringArrayVar(&o.AccountApprover, "account-approver", nil, "`ACCOUNT=APPROVER` approver for an account, pattern or OU ID (repeatable)")
}

// checkAuditFlags catches what a flag alone gets wrong (the policy as a
// whole is checked with the file's, by watch.AuditOptions.Prepare).
func checkAuditFlags(o *auditFlags, auditing bool) error {
	if o.DefaultAction != "" && !slices.Contains(watch.AllActions, o.DefaultAction) {
		return fmt.Errorf("--default-action %q: want notify, ask, correct or skip", o.DefaultAction)
	}
	for _, a := range o.Actions {
		if !slices.Contains(watch.AllActions, a) {
			return fmt.Errorf("--actions %q: want notify, ask, correct or skip", a)
		}
	}
	for _, a := range o.Approvers {
		if err := watch.CheckApprover(a); err != nil {
			return fmt.Errorf("--approver: %w", err)
		}
	}
	switch o.Level {
	case "", watch.LevelError, watch.LevelInfo, watch.LevelVerbose:
	default:
		return fmt.Errorf("--audit-level %q: want error, info or verbose", o.Level)
	}
	if !auditing && (o.DefaultAction != "" || len(o.Approvers) > 0 || len(o.AccountAction) > 0) {
		return errors.New("--default-action, --approver and --account-action need --audit-every")
	}
	return nil
}

// applyAuditFlags puts the flags given over the file's watch.audit.
func applyAuditFlags(a *config.Audit, o *auditFlags, set func(string, func())) error {
	set("audit-level", func() { a.Level = cmp.Or(o.Level, a.Level) })
	set("audit-remind", func() { a.Remind = cmp.Or(o.Remind, a.Remind) })
	set("role-name", func() { a.RoleName = cmp.Or(o.RoleName, a.RoleName) })
	set("audit-region", func() { a.Regions = orList(o.Regions, a.Regions) })
	set("audit-email", func() { a.Email = orList(o.Email, a.Email) })
	set("audit-subscribe", func() { a.Subscribe = orList(o.Subscribe, a.Subscribe) })
	set("approver", func() { a.Approvers = orList(o.Approvers, a.Approvers) })
	set("default-action", func() { a.DefaultAction = cmp.Or(o.DefaultAction, a.DefaultAction) })
	set("actions", func() { a.Actions = orList(o.Actions, a.Actions) })
	set("proposal-ttl", func() { a.ProposalTTL = cmp.Or(o.ProposalTTL, a.ProposalTTL) })
	// Flag entries come first: the first entry matching an account wins,
	// so a flag overrides the file.
	var flagged []config.AccountPolicy
	entry := func(match string) *config.AccountPolicy {
		for i := range flagged {
			if flagged[i].Match[0] == match {
				return &flagged[i]
			}
		}
		flagged = append(flagged, config.AccountPolicy{Match: []string{match}})
		return &flagged[len(flagged)-1]
	}
	for _, f := range []struct {
		name  string
		vals  []string
		apply func(*config.AccountPolicy, string)
	}{
		{"account-action", o.AccountAction, func(p *config.AccountPolicy, v string) { p.DefaultAction = v }},
		{"account-actions", o.AccountActions, func(p *config.AccountPolicy, v string) { p.Actions = strings.Split(v, ",") }},
		{"account-approver", o.AccountApprover, func(p *config.AccountPolicy, v string) { p.Approvers = append(p.Approvers, v) }},
	} {
		for _, raw := range f.vals {
			match, v, ok := strings.Cut(raw, "=")
			if !ok || match == "" || v == "" {
				return fmt.Errorf("--%s %q: want ACCOUNT=VALUE", f.name, raw)
			}
			f.apply(entry(match), v)
		}
	}
	a.Accounts = append(flagged, a.Accounts...)
	return nil
}

// auditPolicy is watch's policy from watch.audit.
func auditPolicy(a *config.Audit) watch.Policy {
	p := watch.Policy{Default: a.DefaultAction, Actions: a.Actions, Approvers: a.Approvers, TTL: a.ProposalTTL}
	for _, ap := range a.Accounts {
		p.Accounts = append(p.Accounts, watch.AccountPolicy{Match: ap.Match, Default: ap.DefaultAction, Actions: ap.Actions, Approvers: ap.Approvers})
	}
	return p
}

func orList(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
