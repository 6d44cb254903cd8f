package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/safetext"
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
		t.f("%s\t%s\t%s\t%s\t%s\n", term(a.Account), dash(term(a.Name)), a.Status, strings.Join(cells, "\t"), dash(term(a.CoveredBy)))
	}
	if t.err != nil {
		return t.err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	p := &printer{w: bw}
	for _, a := range r.Accounts {
		warnings := a.Warnings()
		if a.Status == audit.Pass && a.Alternative == "" && a.Detail == "" && len(warnings) == 0 {
			continue
		}
		line := summaryLine(a)
		if a.Status == audit.Skipped {
			line = a.Detail // the status column already says SKIPPED
		}
		p.f("\n%s %s: %s\n", term(a.Account), a.Status, term(line))
		for _, l := range a.Links {
			if strings.HasPrefix(l.Detail, "not reached") || l.Status == audit.Pass && len(l.Warnings) == 0 {
				continue
			}
			if l.Status != audit.Pass {
				p.f("  %-13s %-7s %s\n", l.Name, l.Status, term(l.Detail))
				if l.Resource != "" {
					p.f("  %-13s %-7s resource: %s\n", "", "", term(l.Resource))
				}
				if l.Fix != "" {
					p.f("  %-13s %-7s fix: %s\n", "", "", term(l.Fix))
				}
			}
			if l.Status == audit.Fail && r.Strict {
				continue // the detail already carries the warnings
			}
			for _, w := range l.Warnings {
				p.f("  %-13s %-7s [%s] %s\n", l.Name, "WARN", w.Code, term(w.Message))
			}
		}
		if a.Detail != "" && a.Status != audit.Skipped {
			p.f("  note: %s\n", term(a.Detail))
		}
		if a.Alternative != "" {
			p.f("  note: %s\n", term(a.Alternative))
		}
	}
	s := r.Summary
	mode := ""
	if r.Strict {
		mode = ", strict: warnings fail"
	}
	p.f("\n%d account(s): %d PASS, %d FAIL, %d UNKNOWN, %d skipped; %d warning(s) in %d account(s)%s (%s %s)\n", s.Accounts, s.Pass, s.Fail, s.Unknown, s.Skipped, s.Warnings, s.Warned, mode, r.Benchmark, r.Control)
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

// term keeps text that others control (resource names, tags, policy
// excerpts, example events) from driving the terminal.
func term(s string) string { return safetext.Terminal(s) }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
