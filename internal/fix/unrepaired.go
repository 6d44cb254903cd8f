package fix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// Unrepaired is a link the audit would still not PASS once the plan is
// applied: the audit's own verdict on it (fix has no second reading),
// why fix leaves it, and what the user must do instead.
type Unrepaired struct {
	Account string
	Link    string
	Status  string // FAIL or UNKNOWN, as the audit says
	Detail  string // the audit's detail
	Why     string
	Manual  string
}

// settle audits the snapshot as the plan would leave it and records on
// each chain the links that audit would still not PASS. This is what
// keeps fix from ever calling a chain "in place" that audit fails, and
// makes every new audit rule fix's too: whatever the rule, a link it
// fails after the plan is named here.
//
// Warnings follow the audit too: with --strict (where audit FAILs a link
// for its warning) each is a link fix names and leaves, because fix never
// changes what only draws a warning; without, it is a note, so fix shows
// the advice audit shows.
func settle(p *Plan, snap *inventory.Snapshot, facts *Facts, strict bool) {
	after, err := Simulate(snap, p, facts)
	if err != nil {
		for i := range p.Accounts {
			if p.Accounts[i].Err == nil {
				p.Accounts[i].Err = err
			}
		}
		return
	}
	rep := audit.Evaluate(after)
	results := map[string]audit.AccountResult{}
	for _, r := range rep.Accounts {
		results[r.Account] = r
	}
	for i := range p.Accounts {
		ap := &p.Accounts[i]
		if ap.Err != nil {
			continue // the chain's own error says why
		}
		for _, id := range ap.Covers {
			r, ok := results[id]
			if !ok || r.Status == audit.Skipped {
				continue
			}
			broken := false
			for _, l := range r.Links {
				if l.Status == audit.Pass {
					settleWarnings(ap, id, l, strict)
					continue
				}
				u := Unrepaired{Account: id, Link: l.Name, Status: string(l.Status), Detail: l.Detail}
				if broken && strings.HasPrefix(l.Detail, "not reached") {
					u.Why = "it depends on the links before it"
				} else {
					u.Why, u.Manual = whyUnrepaired(ap, after.Account(ap.Account), l)
				}
				broken = true
				ap.Unrepaired = append(ap.Unrepaired, u)
			}
		}
	}
}

// settleWarnings records the warnings of a link that passes: with
// --strict as links fix cannot repair (audit --strict FAILs them), else as
// notes.
func settleWarnings(ap *AccountPlan, account string, l audit.Link, strict bool) {
	if len(l.Warnings) == 0 {
		return
	}
	if !strict {
		// Accounts an organization chain covers share its resources: one
		// note per resource and warning.
		for _, w := range l.Warnings {
			n := fmt.Sprintf("warning on %s %s: %s: %s", l.Name, l.Resource, w.Code, w.Message)
			if !slices.Contains(ap.Notes, n) {
				ap.Notes = append(ap.Notes, n)
			}
		}
		return
	}
	var msgs []string
	for _, w := range l.Warnings {
		msgs = append(msgs, w.Code+": "+w.Message)
	}
	ap.Unrepaired = append(ap.Unrepaired, Unrepaired{
		Account: account, Link: l.Name, Status: string(audit.Fail), Detail: strings.Join(msgs, "; "),
		Why:    "--strict counts a warning as a FAIL, and fix never changes what only draws a warning (it is advice beyond the control, and often a choice only the owner can make)",
		Manual: audit.StrictFix(l.Warnings),
	})
}

// whyUnrepaired says why fix's plan leaves link l failing, and the manual
// step, from what the simulated account holds.
func whyUnrepaired(ap *AccountPlan, home *inventory.Account, l audit.Link) (why, manual string) {
	manual = l.Fix
	if strings.HasPrefix(manual, "rootwatch fix") && !strings.Contains(manual, "--") {
		manual = "" // "run fix" is no advice from fix itself
	}
	if l.Status == audit.Unknown {
		return "it could not be read, so fix cannot tell what it needs",
			"grant the read permission named above (docs/iam/fix-policy.json lists them), or wait out throttling, then re-run rootwatch fix"
	}
	if strings.Contains(manual, "--with-trail-delivery") && (l.Name == audit.LinkTrail || l.Name == audit.LinkLogGroup) && !strings.Contains(manual, "create-trail") {
		return "fix sets up a trail's CloudWatch Logs delivery only with --with-trail-delivery, run with the credentials of the account that owns the trail", manual
	}
	switch l.Name {
	case audit.LinkTrail:
		return "rootwatch never creates, starts or re-scopes a trail", orDefault(manual, "see the prerequisite above")
	case audit.LinkLogGroup:
		return "fix creates a trail's log group and delivery only with --with-trail-delivery, in the account that owns the trail", orDefault(manual, "see the prerequisite above")
	case audit.LinkSubscription:
		if t := topicOf(home, l.Resource); t != nil && hasPending(t) {
			return "only the recipient can confirm a subscription; until then SNS delivers to nobody",
				"open the link in the confirmation message SNS sent, or add a subscriber that needs no confirmation: rootwatch fix --subscribe sqs:QUEUE_ARN (or lambda:FUNCTION_ARN)"
		}
		return "fix cannot invent an endpoint to notify", "re-run with --email ADDRESS or --subscribe PROTOCOL:ENDPOINT"
	case audit.LinkTopic:
		if t := topicOf(home, l.Resource); t != nil && t.KMSMasterKeyID != "" {
			return "fix does not change a topic's encryption, nor a KMS key's state or policy (the key may protect other data)", keyStep(home, ap.Region, t)
		}
	}
	return "fix's plan leaves it failing", orDefault(manual, "re-run rootwatch fix with --topic-arn naming a topic CloudWatch can notify, or repair it as the detail says")
}

func keyStep(home *inventory.Account, region string, t *inventory.Topic) string {
	k := home.Key(t.Region, t.KMSMasterKeyID)
	switch {
	case isAWSManagedKeyRef(t.KMSMasterKeyID) || (k != nil && k.Manager == "AWS"):
		return fmt.Sprintf("create a customer managed key whose policy lets cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, then: aws sns set-topic-attributes --region %s --topic-arn %s --attribute-name KmsMasterKeyId --attribute-value KEY_ARN", region, t.ARN)
	case k != nil && k.Found && k.State != "" && k.State != "Enabled":
		return fmt.Sprintf("aws kms enable-key --region %s --key-id %s (if it is pending deletion: aws kms cancel-key-deletion first)", t.Region, orDefault(k.ARN, t.KMSMasterKeyID))
	}
	return fmt.Sprintf("add to the policy of key %s a statement allowing the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (aws kms put-key-policy --region %s --key-id KEY --policy-name default --policy file://policy.json)", t.KMSMasterKeyID, t.Region)
}

func isAWSManagedKeyRef(ref string) bool {
	return ref == "alias/aws/sns" || strings.HasSuffix(ref, ":alias/aws/sns")
}

func topicOf(a *inventory.Account, arn string) *inventory.Topic {
	if a == nil {
		return nil
	}
	return a.Topic(arn)
}

func hasPending(t *inventory.Topic) bool {
	for _, s := range t.Subscriptions {
		if s.Pending() {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
