package report

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// ASFF writes AWS Security Finding Format findings, shaped as the input of
// securityhub BatchImportFindings ({"Findings": [...]}): one finding per
// account and region audited, each built with the SDK's own
// types.AwsSecurityFinding and valid for the account that imports it.
type ASFF struct{ Options Options }

// ASFF limits from the Security Hub API reference (AwsSecurityFinding,
// Remediation, ProductFields).
const (
	asffTitleMax       = 256
	asffDescriptionMax = 1024
	asffRecommendMax   = 512
	asffFieldValueMax  = 2048
)

// Format implements Formatter.
func (a ASFF) Format(w io.Writer, r *audit.Report) error {
	return writeJSON(w, map[string]any{"Findings": asffValue(ASFFFindings(r, a.Options))})
}

// ASFFFindingID is a finding's Id: stable across runs, so Security Hub
// updates the finding instead of creating a new one each day.
func ASFFFindingID(control, account, region string) string {
	return "rootwatch/cis-" + control + "/" + account + "/" + region
}

// ASFFFindings are the report's findings. With the default product ARN,
// Security Hub accepts a finding only from the account it names
// (AwsAccountId) and in the region of its ProductArn, so a finding says
// both for the account it is about: audit --import-securityhub sends each
// from that account, through the assumed role with --org. Accounts that
// were not audited (suspended) have none.
func ASFFFindings(r *audit.Report, o Options) []types.AwsSecurityFinding {
	out := []types.AwsSecurityFinding{}
	updated := o.now(r).UTC()
	for _, a := range r.Accounts {
		if a.Status == audit.Skipped {
			continue
		}
		for _, region := range o.regionsOf(a) {
			id := ASFFFindingID(r.Control, a.Account, region)
			created := r.GeneratedAt.UTC()
			if t, ok := o.FirstSeen[id]; ok && !t.IsZero() {
				created = t.UTC()
			}
			// UpdatedAt may not precede CreatedAt (a clock stepped back).
			out = append(out, asffFinding(r, o, a, region, id, created, laterOf(updated, created)))
		}
	}
	return out
}

func asffFinding(r *audit.Report, o Options, a audit.AccountResult, region, id string, created, updated time.Time) types.AwsSecurityFinding {
	partition := partitionOf(a, region)
	status, label := types.ComplianceStatusNotAvailable, types.SeverityLabelInformational
	switch a.Status {
	case audit.Pass:
		status = types.ComplianceStatusPassed
	case audit.Fail:
		status, label = types.ComplianceStatusFailed, types.SeverityLabelMedium
	case audit.Unknown:
		// WARNING: "the check did not complete": rootwatch could not look.
		status, label = types.ComplianceStatusWarning, types.SeverityLabelLow
	}
	findingType := "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
	f := types.AwsSecurityFinding{
		SchemaVersion: aws.String("2018-10-08"),
		Id:            aws.String(id),
		ProductArn:    aws.String("arn:" + partition + ":securityhub:" + region + ":" + a.Account + ":product/" + a.Account + "/default"),
		GeneratorId:   aws.String("rootwatch-cis-" + r.Control),
		AwsAccountId:  aws.String(a.Account),
		Types:         []string{findingType},
		CreatedAt:     aws.String(created.Format(time.RFC3339)),
		UpdatedAt:     aws.String(updated.Format(time.RFC3339)),
		Severity:      &types.Severity{Label: label, Original: aws.String(string(a.Status))},
		FindingProviderFields: &types.FindingProviderFields{
			Severity: &types.FindingProviderSeverity{Label: label, Original: aws.String(string(a.Status))},
			Types:    []string{findingType},
		},
		Title:       aws.String(truncate("CIS "+r.Control+" "+r.ControlTitle, asffTitleMax)),
		Description: aws.String(truncate(region+": "+summaryLine(a), asffDescriptionMax)),
		Resources: []types.Resource{{
			Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:" + a.Account),
			Partition: types.Partition(partition), Region: aws.String(region),
		}},
		Compliance: &types.Compliance{
			Status:              status,
			RelatedRequirements: []string{r.Benchmark + "/" + r.Control},
		},
		RecordState:   types.RecordStateActive,
		SourceUrl:     aws.String(InformationURI + "/blob/main/docs/audit.md"),
		ProductFields: asffProductFields(r, o, a),
	}
	if l, ok := firstProblem(a); ok {
		if p, err := inventory.ParseARN(l.Resource); err == nil && p.Account == a.Account && p.Region == region {
			f.Resources = append(f.Resources, types.Resource{
				Type: aws.String("Other"), Id: aws.String(l.Resource),
				Partition: types.Partition(p.Partition), Region: aws.String(region),
			})
		}
		if l.Fix != "" {
			f.Remediation = &types.Remediation{Recommendation: &types.Recommendation{
				Text: aws.String(truncate(l.Fix, asffRecommendMax)),
				Url:  aws.String(InformationURI + "/blob/main/docs/fix.md"),
			}}
		}
	}
	return f
}

// asffProductFields states the run: ProviderName and ProviderVersion are
// the keys Security Hub documents for custom integrations; the rest are
// namespaced with the provider's name as its docs ask.
func asffProductFields(r *audit.Report, o Options, a audit.AccountResult) map[string]string {
	m := map[string]string{
		"ProviderName":               "rootwatch",
		"ProviderVersion":            o.version(),
		"rootwatch/Status":           string(a.Status),
		"rootwatch/RegionsCovered":   truncate(strings.Join(o.regionsOf(a), ","), asffFieldValueMax),
		"rootwatch/CollectedAt":      r.GeneratedAt.UTC().Format(time.RFC3339),
		"rootwatch/AccountsInReport": strconv.Itoa(len(r.Accounts)),
	}
	if a.BrokenLink != "" {
		m["rootwatch/BrokenLink"] = a.BrokenLink
	}
	if a.CoveredBy != "" {
		m["rootwatch/CoveredBy"] = truncate(a.CoveredBy, asffFieldValueMax)
	}
	var warnings []string
	for _, l := range a.Links {
		for _, wn := range linkWarnings(l) {
			warnings = append(warnings, l.Name+": "+wn)
		}
	}
	if len(warnings) > 0 {
		m["rootwatch/Warnings"] = truncate(strings.Join(warnings, "; "), asffFieldValueMax)
	}
	return m
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func laterOf(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}
