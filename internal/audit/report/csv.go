package report

import (
	"encoding/csv"
	"io"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// CSV writes one row per link of each account.
type CSV struct{}

// Format implements Formatter.
func (CSV) Format(w io.Writer, r *audit.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"account", "name", "account_status", "covered_by", "link", "status", "resource", "detail", "fix"})
	for _, a := range r.Accounts {
		if len(a.Links) == 0 {
			_ = cw.Write([]string{a.Account, a.Name, string(a.Status), a.CoveredBy, "", "", "", a.Detail, ""})
		}
		for _, l := range a.Links {
			_ = cw.Write([]string{a.Account, a.Name, string(a.Status), a.CoveredBy, l.Name, string(l.Status), l.Resource, l.Detail, l.Fix})
		}
	}
	cw.Flush()
	return cw.Error()
}
