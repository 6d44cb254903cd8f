package report

import (
	"io"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// OCSF writes one OCSF 1.1 Compliance Finding (class 2003) per account,
// as a JSON array.
type OCSF struct{}

type ocsfFinding struct {
	ActivityID   int            `json:"activity_id"`
	ActivityName string         `json:"activity_name"`
	CategoryUID  int            `json:"category_uid"`
	CategoryName string         `json:"category_name"`
	ClassUID     int            `json:"class_uid"`
	ClassName    string         `json:"class_name"`
	TypeUID      int            `json:"type_uid"`
	SeverityID   int            `json:"severity_id"`
	Severity     string         `json:"severity"`
	StatusID     int            `json:"status_id"`
	Status       string         `json:"status"`
	Time         int64          `json:"time"`
	Message      string         `json:"message"`
	Metadata     map[string]any `json:"metadata"`
	FindingInfo  map[string]any `json:"finding_info"`
	Compliance   map[string]any `json:"compliance"`
	Cloud        map[string]any `json:"cloud"`
	Resources    []ocsfResource `json:"resources,omitempty"`
	Remediation  map[string]any `json:"remediation,omitempty"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

type ocsfResource struct {
	UID  string `json:"uid"`
	Type string `json:"type"`
	Data any    `json:"data,omitempty"`
}

// Format implements Formatter.
func (OCSF) Format(w io.Writer, r *audit.Report) error {
	out := []ocsfFinding{}
	for _, a := range r.Accounts {
		compStatus, compID := "Unknown", 0 // OCSF compliance status_id: 0 unknown, 1 pass, 2 warning, 3 fail
		sev, sevID := "Informational", 1
		switch a.Status {
		case audit.Pass:
			compStatus, compID = "Pass", 1
		case audit.Fail:
			compStatus, compID, sev, sevID = "Fail", 3, "Medium", 3
		case audit.Unknown:
			compStatus, compID, sev, sevID = "Warning", 2, "Low", 2
		case audit.Skipped:
			compStatus, compID = "Unknown", 0
		}
		var checks []map[string]any
		for _, l := range a.Links {
			checks = append(checks, map[string]any{"name": l.Name, "status": string(l.Status), "desc": l.Detail})
		}
		var res []ocsfResource
		for _, l := range a.Links {
			if l.Resource != "" && strings.HasPrefix(l.Resource, "arn:") {
				res = append(res, ocsfResource{UID: l.Resource, Type: l.Name})
			}
		}
		f := ocsfFinding{
			ActivityID: 1, ActivityName: "Create", CategoryUID: 2, CategoryName: "Findings",
			ClassUID: 2003, ClassName: "Compliance Finding", TypeUID: 200301,
			SeverityID: sevID, Severity: sev, StatusID: 1, Status: "New",
			Time:    r.GeneratedAt.UnixMilli(),
			Message: summaryLine(a),
			Metadata: map[string]any{
				"version": "1.1.0",
				"product": map[string]any{"name": "rootwatch", "vendor_name": "rootwatch"},
			},
			FindingInfo: map[string]any{
				"uid":   "rootwatch/cis-" + r.Control + "/" + a.Account,
				"title": r.ControlTitle,
				"desc":  r.Benchmark + " " + r.Control + ": " + summaryLine(a),
			},
			Compliance: map[string]any{
				"standards":    []string{r.Benchmark},
				"requirements": []string{"CIS " + r.Control},
				"control":      r.Control,
				"status":       compStatus,
				"status_id":    compID,
				"checks":       checks,
			},
			Cloud:     map[string]any{"provider": "AWS", "account": map[string]any{"uid": a.Account, "name": a.Name}},
			Resources: res,
		}
		if l, ok := firstProblem(a); ok && l.Fix != "" {
			f.Remediation = map[string]any{"desc": l.Fix}
		}
		if a.CoveredBy != "" || a.Alternative != "" {
			f.Unmapped = map[string]any{}
			if a.CoveredBy != "" {
				f.Unmapped["covered_by"] = a.CoveredBy
			}
			if a.Alternative != "" {
				f.Unmapped["alternative"] = a.Alternative
			}
		}
		out = append(out, f)
	}
	return writeJSON(w, out)
}
