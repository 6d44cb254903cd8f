package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// Table is the terminal view: one line per account with each link's
// verdict, then for every account that does not pass, the broken link,
// why, and the command that fixes it.
type Table struct{}

// Format implements Formatter.
func (Table) Format(w io.Writer, r *audit.Report) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	t := &printer{w: tw}
	t.f("ACCOUNT\tNAME\tSTATUS\t%s\tCOVERED BY\n", strings.ToUpper(strings.Join(audit.LinkNames, "\t")))
	for _, a := range r.Accounts {
		cells := make([]string, len(audit.LinkNames))
		for i, n := range audit.LinkNames {
			cells[i] = "-"
			for _, l := range a.Links {
				if l.Name == n {
					cells[i] = string(l.Status)
				}
			}
		}
		t.f("%s\t%s\t%s\t%s\t%s\n", a.Account, dash(a.Name), a.Status, strings.Join(cells, "\t"), dash(a.CoveredBy))
	}
	if t.err != nil {
		return t.err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	p := &printer{w: bw}
	for _, a := range r.Accounts {
		nonLiteral := a.CISLiteral != nil && !*a.CISLiteral
		if a.Status == audit.Pass && a.Alternative == "" && a.Detail == "" && !nonLiteral {
			continue
		}
		line := summaryLine(a)
		if a.Status == audit.Skipped {
			line = a.Detail // the status column already says SKIPPED
		}
		p.f("\n%s %s: %s\n", a.Account, a.Status, line)
		for _, l := range a.Links {
			if l.Status == audit.Pass || strings.HasPrefix(l.Detail, "not reached") {
				continue
			}
			p.f("  %-13s %-7s %s\n", l.Name, l.Status, l.Detail)
			if l.Resource != "" {
				p.f("  %-13s %-7s resource: %s\n", "", "", l.Resource)
			}
			if l.Fix != "" {
				p.f("  %-13s %-7s fix: %s\n", "", "", l.Fix)
			}
		}
		if a.Detail != "" && a.Status != audit.Skipped {
			p.f("  note: %s\n", a.Detail)
		}
		if a.Alternative != "" {
			p.f("  note: %s\n", a.Alternative)
		}
		if nonLiteral {
			p.f("  note: the metric filter is not the CIS text literally; AWS Security Hub %s compares text and will flag it\n", "CloudWatch.1")
		}
	}
	s := r.Summary
	p.f("\n%d account(s): %d PASS, %d FAIL, %d UNKNOWN, %d skipped (%s %s)\n", s.Accounts, s.Pass, s.Fail, s.Unknown, s.Skipped, r.Benchmark, r.Control)
	if p.err != nil {
		return p.err
	}
	return bw.Flush()
}

// printer remembers the first write error so the table code stays linear.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
