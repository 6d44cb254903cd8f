package report

import (
	"io"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// ASFF writes AWS Security Finding Format findings, shaped as the input of
// securityhub BatchImportFindings ({"Findings": [...]}), one per account.
type ASFF struct{}

// Format implements Formatter.
func (ASFF) Format(w io.Writer, r *audit.Report) error {
	ts := r.GeneratedAt.UTC().Format(time.RFC3339)
	findings := []map[string]any{}
	for _, a := range r.Accounts {
		region := a.Chain.HomeRegion
		if region == "" {
			region = "us-east-1"
		}
		status, label := "NOT_AVAILABLE", "INFORMATIONAL"
		switch a.Status {
		case audit.Pass:
			status = "PASSED"
		case audit.Fail:
			status, label = "FAILED", "MEDIUM"
		case audit.Unknown:
			status, label = "WARNING", "LOW"
		}
		f := map[string]any{
			"SchemaVersion": "2018-10-08",
			"Id":            "rootwatch/cis-" + r.Control + "/" + a.Account,
			"ProductArn":    "arn:aws:securityhub:" + region + ":" + a.Account + ":product/" + a.Account + "/default",
			"GeneratorId":   "rootwatch-cis-" + r.Control,
			"AwsAccountId":  a.Account,
			"Types":         []string{"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"},
			"CreatedAt":     ts,
			"UpdatedAt":     ts,
			"Severity":      map[string]any{"Label": label},
			"Title":         "CIS " + r.Control + " " + r.ControlTitle,
			"Description":   truncate(summaryLine(a), 1024),
			"Resources": []map[string]any{{
				"Type": "AwsAccount", "Id": "AWS::::Account:" + a.Account, "Partition": "aws", "Region": region,
			}},
			"Compliance":  map[string]any{"Status": status, "RelatedRequirements": []string{r.Benchmark + "/" + r.Control}},
			"RecordState": "ACTIVE",
			"Workflow":    map[string]any{"Status": "NEW"},
		}
		if l, ok := firstProblem(a); ok && l.Fix != "" {
			f["Remediation"] = map[string]any{"Recommendation": map[string]any{"Text": truncate(l.Fix, 512)}}
		}
		findings = append(findings, f)
	}
	return writeJSON(w, map[string]any{"Findings": findings})
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
