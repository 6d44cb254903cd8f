package report

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/safetext"
)

// CSV writes one row per link of each account, with the link's warnings
// as "code: message" lines in one cell. Cells a spreadsheet would run as
// a formula are neutralised (safetext.CSVRow, OWASP's rule) unless Raw is
// set for machine consumers (--csv-raw): resource names, account names
// and example events in details are text others control.
type CSV struct {
	Raw bool
}

// Format implements Formatter.
func (c CSV) Format(w io.Writer, r *audit.Report) error {
	cw := csv.NewWriter(w)
	write := func(row []string) {
		if !c.Raw {
			row = safetext.CSVRow(row)
		}
		_ = cw.Write(row) // cw.Error reports the first failure below
	}
	write([]string{"account", "name", "account_status", "covered_by", "link", "status", "resource", "detail", "fix", "warnings"})
	for _, a := range r.Accounts {
		if len(a.Links) == 0 {
			write([]string{a.Account, a.Name, string(a.Status), a.CoveredBy, "", "", "", a.Detail, "", ""})
		}
		for _, l := range a.Links {
			var ws []string
			for _, x := range l.Warnings {
				ws = append(ws, x.Code+": "+x.Message)
			}
			write([]string{a.Account, a.Name, string(a.Status), a.CoveredBy, l.Name, string(l.Status), l.Resource, l.Detail, l.Fix, strings.Join(ws, "\n")})
		}
	}
	cw.Flush()
	return cw.Error()
}
