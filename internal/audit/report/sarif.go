package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// SARIF writes SARIF 2.1.0 for GitHub code scanning: one run, one rule
// per chain link, one result per link that is not PASS (FAIL is an
// error, UNKNOWN a warning: rootwatch could not look).
//
// GitHub refuses a result without a physical location ("expected
// artifact location"), so each result points at a stable pseudo-path,
// aws/<account>/<region>/cis-<control>/<link>, with line 1: the same
// finding has the same path and fingerprint on every run, and GitHub
// tracks it as one alert instead of opening a new one per upload.
type SARIF struct{ Options Options }

// InformationURI is where a reader of a finding learns about rootwatch.
const InformationURI = "https://github.com/rootwatch/rootwatch"

// sarifSchema is the schema URI GitHub's docs give for uploads.
const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// linkHelp is what each link requires (fullDescription) and how to fix it
// in general (help); a result's own message carries its exact fix.
var linkHelp = map[string][2]string{
	audit.LinkTrail: {
		"A multi-region CloudTrail trail is logging management events (read and write) and delivers them to CloudWatch Logs.",
		"Create or repair a multi-region trail that records management events, start logging, and deliver it to a CloudWatch Logs log group: rootwatch fix --with-trail-delivery.",
	},
	audit.LinkLogGroup: {
		"The trail's CloudWatch Logs log group exists and receives its events.",
		"Point the trail's CloudWatchLogsLogGroupArn at an existing log group with a role CloudTrail can assume: rootwatch fix --with-trail-delivery.",
	},
	audit.LinkMetricFilter: {
		"A metric filter on that log group matches every event the CIS 4.3 pattern matches (root user activity that is not an AWS service event).",
		"Add the CIS 4.3 metric filter: rootwatch fix (or aws logs put-metric-filter with the CIS pattern).",
	},
	audit.LinkAlarm: {
		"A CloudWatch alarm on the filter's metric fires on a single event, with actions enabled, and notifies an SNS topic.",
		"Create or repair the alarm (threshold >= 1 over one period, actions enabled, an SNS action): rootwatch fix.",
	},
	audit.LinkTopic: {
		"The alarm's SNS topic exists and CloudWatch can publish to it (policy and encryption key).",
		"Create the topic, or use a customer managed KMS key whose policy lets CloudWatch use it: rootwatch fix.",
	},
	audit.LinkSubscription: {
		"The topic has at least one confirmed subscription, so someone is told.",
		"Subscribe an endpoint to the topic and confirm the subscription.",
	},
}

// Format implements Formatter.
func (s SARIF) Format(w io.Writer, r *audit.Report) error {
	doc, err := sarif.New(sarif.Version210, false)
	if err != nil {
		return err
	}
	doc.Schema = sarifSchema
	driver := sarif.NewVersionedDriver("rootwatch", s.Options.version()).WithInformationURI(InformationURI)
	driver.FullName = strPtr("rootwatch " + s.Options.version() + ": " + r.Benchmark + " " + r.Control + " audit")
	run := sarif.NewRun(*sarif.NewTool(driver))
	run.Results = []*sarif.Result{} // GitHub wants the array even when empty
	for _, n := range audit.LinkNames {
		h := linkHelp[n]
		rule := run.AddRule(sarifRuleID(r, n)).
			WithName(sarifRuleName(n)).
			WithShortDescription(sarif.NewMultiformatMessageString("CIS " + r.Control + " chain link: " + n)).
			WithFullDescription(sarif.NewMultiformatMessageString(h[0])).
			WithHelp(sarif.NewMultiformatMessageString(h[1])).
			WithHelpURI(InformationURI + "/blob/main/docs/audit.md").
			WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: "error"})
		pb := sarif.NewPropertyBag()
		// GitHub ranks alerts by security-severity (4.0-6.9 is "medium"),
		// the same MEDIUM the ASFF and OCSF findings carry for a FAIL.
		pb.Add("security-severity", "5.5")
		pb.Add("precision", "very-high")
		pb.Add("tags", []string{"security", "aws", "cis-aws-foundations", "cis-" + r.Control})
		rule.AttachPropertyBag(pb)
	}
	for _, a := range r.Accounts {
		for _, l := range a.Links {
			level := ""
			switch l.Status {
			case audit.Fail:
				level = "error"
			case audit.Unknown:
				level = "warning"
			default:
				continue
			}
			run.AddResult(s.result(r, a, l, level, l.Detail, ""))
		}
		// A warning is a "note": GitHub shows it without failing the check.
		for _, l := range a.Links {
			for _, wn := range l.Warnings {
				run.AddResult(s.result(r, a, l, "note", "warning: "+wn.Code+": "+wn.Message, wn.Code))
			}
		}
	}
	inv := sarif.NewInvocation().WithExecutionSuccess(true).WithStartTimeUTC(r.GeneratedAt.UTC())
	ipb := sarif.NewPropertyBag()
	for k, v := range s.Options.coverage(r) {
		ipb.Add(k, v)
	}
	inv.AttachPropertyBag(ipb)
	run.AddInvocations(inv)
	run.AutomationDetails = sarif.NewRunAutomationDetails().WithID("rootwatch/cis-" + r.Control + "/")
	doc.AddRun(run)
	return writeJSON(w, doc)
}

// result is one SARIF result; warnCode is set for a warning's "note".
func (s SARIF) result(r *audit.Report, a audit.AccountResult, l audit.Link, level, detail, warnCode string) *sarif.Result {
	region := linkRegion(a, l, s.Options.regionsOf(a))
	uri := sarifURI(a.Account, region, r.Control, l.Name)
	msg := "account " + a.Account
	if a.Name != "" {
		msg += " (" + a.Name + ")"
	}
	msg += ", " + region + ": " + l.Name + " " + string(l.Status) + ": " + detail
	if l.Fix != "" && level != "note" {
		msg += ". Fix: " + l.Fix
	}
	loc := sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
		WithRegion(sarif.NewRegion().WithStartLine(1)))
	if l.Resource != "" {
		loc.LogicalLocations = []*sarif.LogicalLocation{{FullyQualifiedName: strPtr(l.Resource), Kind: strPtr("resource")}}
	}
	res := sarif.NewRuleResult(sarifRuleID(r, l.Name)).
		WithLevel(level).
		WithMessage(sarif.NewTextMessage(msg)).
		WithLocations([]*sarif.Location{loc})
	// The fingerprint names what the finding is about, never its text or
	// the time: the same broken link is the same alert run after run, and
	// a warning is keyed by its code (its message may carry a date).
	key := uri
	if warnCode != "" {
		key += "#" + warnCode
	}
	res.WithPartialFingerPrints(map[string]any{"rootwatchFinding/v1": fingerprint(key)})
	pb := sarif.NewPropertyBag()
	pb.Add("account", a.Account)
	pb.Add("region", region)
	pb.Add("status", string(l.Status))
	if l.Resource != "" {
		pb.Add("resource", l.Resource)
	}
	res.AttachPropertyBag(pb)
	return res
}

// sarifRuleID is stable across runs and versions: GitHub keys alerts on it.
func sarifRuleID(r *audit.Report, link string) string { return "CIS" + r.Control + "/" + link }

// sarifRuleName is the PascalCase identifier SARIF recommends for names.
func sarifRuleName(link string) string {
	var b strings.Builder
	b.WriteString("RootUsageMonitoring")
	for _, p := range strings.Split(link, "-") {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// sarifURI is the pseudo-path of a finding: relative, so GitHub accepts
// it without a checkout, and made of path-safe parts only.
func sarifURI(account, region, control, link string) string {
	return "aws/" + pathPart(account) + "/" + pathPart(region) + "/cis-" + pathPart(control) + "/" + pathPart(link)
}

// pathPart keeps a URI segment to characters that need no escaping.
func pathPart(s string) string {
	if s == "" {
		return "unknown"
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func fingerprint(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// linkRegion is the region a link's finding belongs to: its resource's
// region, else the chain's home region, else the first region audited,
// else "global" (an account that could not be read anywhere).
func linkRegion(a audit.AccountResult, l audit.Link, regions []string) string {
	if p, err := inventory.ParseARN(l.Resource); err == nil && p.Region != "" {
		return p.Region
	}
	if a.Chain.HomeRegion != "" {
		return a.Chain.HomeRegion
	}
	if len(regions) > 0 {
		return regions[0]
	}
	return "global"
}

func strPtr(s string) *string { return &s }
