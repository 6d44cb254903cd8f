// Package report renders an audit.Report in the formats auditors and
// tools consume: a terminal table, JSON, CSV, OCSF, ASFF (Security Hub),
// SARIF, JUnit and a self-contained HTML report.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *audit.Report) error
}

// Options describe the run a report covers beyond its verdicts. Every
// machine-readable format states the rootwatch version, the accounts and
// regions covered and the time of collection, so a finding found in a
// SIEM a year later still says what looked and where.
type Options struct {
	// Version is the rootwatch version that produced the report (the
	// link-time version `rootwatch version` prints); empty means "dev".
	Version string
	// Regions are the regions audited in each account (see RegionsOf).
	Regions map[string][]string
	// Now is when the report is written: ASFF's UpdatedAt. Zero means
	// the time of collection.
	Now time.Time
	// FirstSeen maps an ASFF finding Id to when rootwatch first reported
	// it (kept in the store), so CreatedAt survives re-runs. An Id that
	// is absent is new: CreatedAt is the time of collection.
	FirstSeen map[string]time.Time
	// CSVRaw writes CSV cells as they are, without neutralising
	// spreadsheet formulas (for machine consumers).
	CSVRaw bool
}

func (o Options) version() string {
	if o.Version == "" {
		return "dev"
	}
	return o.Version
}

func (o Options) now(r *audit.Report) time.Time {
	if o.Now.IsZero() {
		return r.GeneratedAt
	}
	return o.Now
}

// Names lists the formats in the order help text shows them.
var Names = []string{"table", "json", "csv", "ocsf", "asff", "sarif", "junit", "html"}

// New returns the formatter called name.
func New(name string, o Options) (Formatter, error) {
	switch name {
	case "table":
		return Table{}, nil
	case "json":
		return JSON{}, nil
	case "csv":
		return CSV{Raw: o.CSVRaw}, nil
	case "ocsf":
		return OCSF{o}, nil
	case "asff":
		return ASFF{o}, nil
	case "sarif":
		return SARIF{o}, nil
	case "junit":
		return JUnit{o}, nil
	case "html":
		return HTML{o}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names, ", "))
}

// firstProblem is the link to show for an account: the broken one.
func firstProblem(a audit.AccountResult) (audit.Link, bool) {
	for _, l := range a.Links {
		if l.Name == a.BrokenLink {
			return l, true
		}
	}
	return audit.Link{}, false
}

// summaryLine is the one-sentence verdict of an account.
func summaryLine(a audit.AccountResult) string {
	switch a.Status {
	case audit.Pass:
		s := "root usage is monitored by the CIS 4.3 chain"
		if a.CoveredBy != "" {
			s += " (covered by " + a.CoveredBy + ")"
		}
		return s
	case audit.Skipped:
		return "skipped: " + a.Detail
	}
	if l, ok := firstProblem(a); ok {
		return l.Name + ": " + l.Detail
	}
	return a.Detail
}
