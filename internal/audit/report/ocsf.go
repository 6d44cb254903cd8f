package report

import (
	"io"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// OCSFVersion is the one OCSF version the events are valid for. 1.1.0 is
// the version Amazon Security Lake documents for custom sources and
// emits for its own version-2 sources (Security Hub findings among
// them), and the one the SIEMs' Security Lake integrations read; later
// versions rename what this class uses (resource → resources[] in
// 1.3.0, compliance.checks in 1.5.0), which a 1.1.0 consumer drops.
// Every attribute below is checked against the vendored 1.1.0 schema in
// testdata/ocsf-1.1.0 by the tests.
const OCSFVersion = "1.1.0"

// OCSF writes one Compliance Finding (class 2003) per account and region
// audited, as a JSON array: Security Lake partitions by region and
// account, so each event belongs in exactly one partition.
type OCSF struct{ Options Options }

type ocsfFinding struct {
	ActivityID   int              `json:"activity_id"`
	ActivityName string           `json:"activity_name"`
	CategoryUID  int              `json:"category_uid"`
	CategoryName string           `json:"category_name"`
	ClassUID     int              `json:"class_uid"`
	ClassName    string           `json:"class_name"`
	TypeUID      int              `json:"type_uid"`
	TypeName     string           `json:"type_name"`
	SeverityID   int              `json:"severity_id"`
	Severity     string           `json:"severity"`
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	Time         int64            `json:"time"`
	Message      string           `json:"message"`
	Metadata     ocsfMetadata     `json:"metadata"`
	FindingInfo  ocsfFindingInfo  `json:"finding_info"`
	Compliance   ocsfCompliance   `json:"compliance"`
	Cloud        ocsfCloud        `json:"cloud"`
	Resource     *ocsfResource    `json:"resource,omitempty"`
	Remediation  *ocsfRemediation `json:"remediation,omitempty"`
	Unmapped     map[string]any   `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version  string      `json:"version"`
	Profiles []string    `json:"profiles"`
	Product  ocsfProduct `json:"product"`
	LogName  string      `json:"log_name"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version"`
	URL        string `json:"url_string"`
}

type ocsfFindingInfo struct {
	UID   string   `json:"uid"`
	Title string   `json:"title"`
	Desc  string   `json:"desc"`
	Types []string `json:"types"`
}

type ocsfCompliance struct {
	Standards    []string `json:"standards"`
	Requirements []string `json:"requirements"`
	Control      string   `json:"control"`
	Status       string   `json:"status,omitempty"`
	StatusID     int      `json:"status_id,omitempty"`
	StatusDetail string   `json:"status_detail"`
}

type ocsfCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region"`
	Account  ocsfAccount `json:"account"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

type ocsfResource struct {
	UID            string `json:"uid"`
	Name           string `json:"name,omitempty"`
	Type           string `json:"type"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition"`
}

type ocsfRemediation struct {
	Desc string `json:"desc"`
}

// Format implements Formatter.
func (o OCSF) Format(w io.Writer, r *audit.Report) error {
	out := []ocsfFinding{}
	for _, a := range r.Accounts {
		regions := o.Options.regionsOf(a)
		if len(regions) == 0 {
			regions = []string{"global"}
		}
		for _, region := range regions {
			out = append(out, o.finding(r, a, region))
		}
	}
	return writeJSON(w, out)
}

func (o OCSF) finding(r *audit.Report, a audit.AccountResult, region string) ocsfFinding {
	// Compliance status_id in 1.1.0: 1 Pass, 2 Warning ("did not yield a
	// result due to missing information": UNKNOWN), 3 Fail. A skipped
	// account has no compliance status at all.
	var compStatus string
	var compID int
	sev, sevID := "Informational", 1
	switch a.Status {
	case audit.Pass:
		compStatus, compID = "Pass", 1
	case audit.Fail:
		compStatus, compID, sev, sevID = "Fail", 3, "Medium", 3
	case audit.Unknown:
		compStatus, compID, sev, sevID = "Warning", 2, "Low", 2
	}
	summary := summaryLine(a)
	f := ocsfFinding{
		ActivityID: 1, ActivityName: "Create", CategoryUID: 2, CategoryName: "Findings",
		ClassUID: 2003, ClassName: "Compliance Finding", TypeUID: 200301, TypeName: "Compliance Finding: Create",
		SeverityID: sevID, Severity: sev, StatusID: 1, Status: "New",
		Time:    r.GeneratedAt.UnixMilli(),
		Message: summary,
		Metadata: ocsfMetadata{
			Version:  OCSFVersion,
			Profiles: []string{"cloud"},
			Product:  ocsfProduct{Name: "rootwatch", VendorName: "rootwatch", Version: o.Options.version(), URL: InformationURI},
			LogName:  "rootwatch-audit",
		},
		FindingInfo: ocsfFindingInfo{
			UID:   "rootwatch/cis-" + r.Control + "/" + a.Account + "/" + region,
			Title: "CIS " + r.Control + " " + r.ControlTitle,
			Desc:  r.Benchmark + " " + r.Control + ": " + summary,
			Types: []string{"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"},
		},
		Compliance: ocsfCompliance{
			Standards:    []string{r.Benchmark},
			Requirements: []string{"CIS " + r.Control},
			Control:      r.Control,
			Status:       compStatus,
			StatusID:     compID,
			StatusDetail: summary,
		},
		Cloud: ocsfCloud{Provider: "AWS", Region: region, Account: ocsfAccount{UID: a.Account, Name: a.Name, Type: "AWS Account", TypeID: 10}},
		Resource: &ocsfResource{
			UID: a.Account, Name: a.Name, Type: "AWS Account", Region: region,
			CloudPartition: partitionOf(a, region),
		},
	}
	if l, ok := firstProblem(a); ok {
		if p, err := inventory.ParseARN(l.Resource); err == nil {
			f.Resource = &ocsfResource{UID: l.Resource, Type: l.Name, Region: p.Region, CloudPartition: p.Partition}
		}
		if l.Fix != "" {
			f.Remediation = &ocsfRemediation{Desc: l.Fix}
		}
	}
	// What 1.1.0 has no attribute for (the per-link verdicts: 1.5.0's
	// compliance.checks) goes where OCSF puts source data it does not map.
	links := []map[string]string{}
	var warnings []string
	for _, l := range a.Links {
		m := map[string]string{"name": l.Name, "status": string(l.Status), "detail": l.Detail}
		if l.Resource != "" {
			m["resource"] = l.Resource
		}
		links = append(links, m)
		for _, wn := range linkWarnings(l) {
			warnings = append(warnings, l.Name+": "+wn)
		}
	}
	f.Unmapped = map[string]any{
		"rootwatch_status":  string(a.Status),
		"links":             links,
		"regions_covered":   strings.Join(o.Options.regionsOf(a), ","),
		"accounts_in_audit": len(r.Accounts),
	}
	if a.CoveredBy != "" {
		f.Unmapped["covered_by"] = a.CoveredBy
	}
	if a.Alternative != "" {
		f.Unmapped["alternative"] = a.Alternative
	}
	if a.Detail != "" {
		f.Unmapped["detail"] = a.Detail
	}
	if len(warnings) > 0 {
		f.Unmapped["warnings"] = warnings
	}
	return f
}
