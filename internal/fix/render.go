package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// Render writes the plan the way terraform plan does: one block per
// chain, "+" create, "~" change, "-" destroy, attribute lines beneath, and
// a count at the end. It is meant for people; the journal holds the
// machine form.
func Render(w io.Writer, p *Plan, verb string) error {
	var b strings.Builder
	prereqs, errs, unrepaired := 0, 0, 0
	for _, ap := range p.Accounts {
		renderAccount(&b, ap)
		prereqs += len(ap.Prerequisites)
		unrepaired += len(ap.Unrepaired)
		if ap.Err != nil {
			errs++
		}
	}
	var left []string
	if prereqs > 0 {
		left = append(left, fmt.Sprintf("%d prerequisite(s) need doing by hand", prereqs))
	}
	if unrepaired > 0 {
		left = append(left, fmt.Sprintf("%d link(s) will still not pass the audit (see \"cannot repair\" above)", unrepaired))
	}
	if errs > 0 {
		left = append(left, fmt.Sprintf("%d chain(s) could not be planned", errs))
	}
	add, change, destroy := p.Counts()
	switch {
	case add+change+destroy > 0:
		fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to destroy", add, change, destroy)
		if len(left) > 0 {
			b.WriteString("; " + strings.Join(left, "; "))
		}
		fmt.Fprintf(&b, ". (%s)\n", verb)
	case len(left) > 0:
		b.WriteString("No changes. " + strings.Join(left, "; ") + ".\n")
	case len(p.Accounts) == 0:
		b.WriteString("No changes. Nothing to do.\n")
	default:
		b.WriteString("No changes. Every chain is already in place.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func renderAccount(b *strings.Builder, ap AccountPlan) {
	fmt.Fprintf(b, "Account %s", ap.Account)
	if ap.Region != "" {
		fmt.Fprintf(b, ", %s", ap.Region)
	}
	if others := without(ap.Covers, ap.Account); len(others) > 0 {
		fmt.Fprintf(b, " (also covers %s)", strings.Join(others, ", "))
	}
	b.WriteString("\n")
	if ap.LogGroup != "" {
		fmt.Fprintf(b, "  chain: trail %s -> log group %s\n", shortTrail(ap.Trail), logGroupName(ap.LogGroup))
	}
	if ap.Err != nil {
		fmt.Fprintf(b, "  ! cannot plan: %v\n\n", ap.Err)
		return
	}
	if len(ap.Steps) == 0 && len(ap.Prerequisites) == 0 && len(ap.Unrepaired) == 0 {
		b.WriteString("  nothing to do\n")
	}
	for _, s := range ap.Steps {
		renderStep(b, s)
	}
	for _, pr := range ap.Prerequisites {
		fmt.Fprintf(b, "  ! prerequisite: %s\n", pr.Problem)
		for _, c := range pr.Commands {
			fmt.Fprintf(b, "      %s\n", c)
		}
	}
	for _, u := range ap.Unrepaired {
		where := ""
		if u.Account != ap.Account {
			where = " (account " + u.Account + ")"
		}
		fmt.Fprintf(b, "  ! cannot repair %s%s: %s %s\n", u.Link, where, u.Status, u.Detail)
		fmt.Fprintf(b, "      why: %s\n", u.Why)
		if u.Manual != "" {
			fmt.Fprintf(b, "      do:  %s\n", u.Manual)
		}
	}
	for _, n := range ap.Notes {
		fmt.Fprintf(b, "  note: %s\n", n)
	}
	b.WriteString("\n")
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func shortTrail(arn string) string {
	if i := strings.LastIndex(arn, ":trail/"); i >= 0 {
		return arn[i+len(":trail/"):]
	}
	return arn
}

func logGroupName(arn string) string {
	if i := strings.Index(arn, ":log-group:"); i >= 0 {
		return strings.TrimSuffix(arn[i+len(":log-group:"):], ":*")
	}
	return arn
}

var kindTitle = map[Kind]string{
	KindMetricFilter: "metric filter", KindAlarm: "alarm", KindTopic: "SNS topic", KindTopicPolicy: "topic policy",
	KindSubscription: "subscription", KindLogGroup: "log group", KindRole: "IAM role", KindRolePolicy: "IAM role policy",
	KindTrailDelivery: "trail delivery", KindSchedule: "schedule",
}

var actionVerb = map[Action]string{
	Create: "create", Update: "update", Delete: "delete", Restore: "restore",
	DisableActions: "disable actions of", EnableActions: "enable actions of",
}

func renderStep(b *strings.Builder, s Step) {
	fmt.Fprintf(b, "  %s %s %s %s\n", s.Action.Symbol(), actionVerb[s.Action], kindTitle[s.Kind], s.Resource)
	if s.Reason != "" {
		fmt.Fprintf(b, "      # %s\n", s.Reason)
	}
	for _, l := range diffLines(s) {
		fmt.Fprintf(b, "      %s\n", l)
	}
	if s.Note != "" {
		fmt.Fprintf(b, "      (%s)\n", s.Note)
	}
}

// diffLines shows each attribute: "name = value" for a create or delete,
// "name: old -> new" where a change differs.
func diffLines(s Step) []string {
	before, after := attrs(s.Before), attrs(s.After)
	var keys []string
	seen := map[string]bool{}
	for _, kv := range append(after, before...) {
		if !seen[kv[0]] {
			seen[kv[0]] = true
			keys = append(keys, kv[0])
		}
	}
	get := func(list [][2]string, k string) (string, bool) {
		for _, kv := range list {
			if kv[0] == k {
				return kv[1], true
			}
		}
		return "", false
	}
	var out []string
	for _, k := range keys {
		bv, inB := get(before, k)
		av, inA := get(after, k)
		switch {
		case s.Before == nil:
			out = append(out, fmt.Sprintf("%-18s = %s", k, av))
		case s.After == nil:
			out = append(out, fmt.Sprintf("%-18s = %s", k, bv))
		case inA && inB && av == bv:
		case !inB:
			out = append(out, fmt.Sprintf("%-18s: (none) -> %s", k, av))
		case !inA:
			out = append(out, fmt.Sprintf("%-18s: %s -> (none)", k, bv))
		default:
			out = append(out, fmt.Sprintf("%-18s: %s -> %s", k, bv, av))
		}
	}
	return out
}

// attrs lists a spec's attributes in display order.
func attrs(v any) [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	switch x := v.(type) {
	case *MetricFilterSpec:
		add("log_group", x.LogGroup)
		add("name", x.Name)
		add("pattern", x.Pattern)
		add("metric", x.Namespace+"/"+x.MetricName)
		add("metric_value", x.Value)
	case *AlarmSpec:
		add("metric", x.Namespace+"/"+x.MetricName)
		if len(x.Dimensions) > 0 {
			add("dimensions", compactJSON(x.Dimensions))
		}
		stat := x.Statistic
		if stat == "" {
			stat = x.ExtendedStatistic
		}
		add("condition", fmt.Sprintf("%s %s %g over %d period(s) of %d s", stat, inventory.ComparisonSymbol(x.Comparison), x.Threshold, x.EvaluationPeriods, x.Period))
		if x.DatapointsToAlarm > 0 {
			add("datapoints", fmt.Sprint(x.DatapointsToAlarm))
		}
		add("missing_data", x.TreatMissingData)
		add("actions", strings.Join(x.AlarmActions, ", "))
		add("actions_enabled", fmt.Sprint(x.ActionsEnabled))
		add("tags", tagList(x.Tags))
	case *TopicSpec:
		add("name", x.Name)
		add("policy", "SNS default + "+PolicySid+" (cloudwatch.amazonaws.com may sns:Publish)")
		add("tags", tagList(x.Tags))
	case *TopicPolicySpec:
		add("statements", statementSummary(x.Policy))
	case *SubscriptionSpec:
		add("endpoint", x.Protocol+":"+x.Endpoint)
		add("topic", x.TopicARN)
	case *LogGroupSpec:
		add("name", x.Name)
		add("tags", tagList(x.Tags))
	case *RoleSpec:
		add("name", x.Name)
		add("trusts", policySummary(x.TrustPolicy).services)
		add("tags", tagList(x.Tags))
	case *RolePolicySpec:
		add("role", x.Role)
		add("policy_name", x.Name)
		add("allows", policySummary(x.Policy).allows)
	case *ScheduleSpec:
		add("name", x.Name)
		add("when", x.Expression+" UTC, then deleted")
		add("calls", x.TargetARN)
		add("input", x.Input)
		add("role", x.RoleARN)
	case *TrailDeliverySpec:
		add("log_group", x.LogGroupARN)
		add("role", x.RoleARN)
		if x.LogGroupARN == "" {
			out = append(out, [2]string{"log_group", "(none)"})
		}
	}
	return out
}

func tagList(t map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(t) {
		parts = append(parts, k+"="+t[k])
	}
	return strings.Join(parts, ", ")
}

// statementSummary names each statement of a policy by Sid (or position),
// so a policy change reads as "statements: A, B -> A, B, Rootwatch...".
func statementSummary(policy string) string {
	var doc struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return "(not JSON)"
	}
	var list []map[string]any
	raw := bytes.TrimSpace(doc.Statement)
	if len(raw) > 0 && raw[0] == '{' {
		var one map[string]any
		if json.Unmarshal(raw, &one) == nil {
			list = []map[string]any{one}
		}
	} else {
		_ = json.Unmarshal(raw, &list)
	}
	if len(list) == 0 {
		return "(none)"
	}
	var names []string
	for i, s := range list {
		if sid, ok := s["Sid"].(string); ok && sid != "" {
			names = append(names, sid)
		} else {
			names = append(names, fmt.Sprintf("#%d", i+1))
		}
	}
	return strings.Join(names, ", ")
}

// policySummary reads an IAM policy for the plan: the services a trust
// policy lets assume the role, and "ACTIONS on RESOURCES" of each
// statement of a permissions policy.
func policySummary(doc string) (sum struct{ services, allows string }) {
	var p struct {
		Statement []struct {
			Principal struct{ Service any }
			Action    any
			Resource  any
		}
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return sum
	}
	list := func(v any) []string {
		switch x := v.(type) {
		case string:
			return []string{x}
		case []any:
			var out []string
			for _, e := range x {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	var services, allows []string
	for _, st := range p.Statement {
		services = append(services, list(st.Principal.Service)...)
		if a := list(st.Action); len(a) > 0 && len(list(st.Resource)) > 0 {
			allows = append(allows, strings.Join(a, ", ")+" on "+strings.Join(list(st.Resource), ", "))
		}
	}
	sum.services, sum.allows = strings.Join(services, ", "), strings.Join(allows, "; ")
	return sum
}
