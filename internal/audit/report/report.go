// Package report renders an audit.Report in the formats auditors and
// tools consume: a terminal table, JSON, CSV, OCSF, ASFF (Security Hub),
// SARIF, JUnit and a self-contained HTML report.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *audit.Report) error
}

// Names lists the formats in the order help text shows them.
var Names = []string{"table", "json", "csv", "ocsf", "asff", "sarif", "junit", "html"}

// New returns the formatter called name.
func New(name string) (Formatter, error) {
	switch name {
	case "table":
		return Table{}, nil
	case "json":
		return JSON{}, nil
	case "csv":
		return CSV{}, nil
	case "ocsf":
		return OCSF{}, nil
	case "asff":
		return ASFF{}, nil
	case "sarif":
		return SARIF{}, nil
	case "junit":
		return JUnit{}, nil
	case "html":
		return HTML{}, nil
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
