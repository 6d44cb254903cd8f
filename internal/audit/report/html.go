package report

import (
	_ "embed"
	"html/template"
	"io"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// HTML writes one self-contained page (inline CSS, no scripts, no
// external resources) that a compliance officer can hand to an auditor:
// an overview, then each account's chain with evidence and fixes.
type HTML struct{ Options Options }

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"summary": summaryLine,
	"when":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"lower":   func(s audit.Status) string { return string(s) },
	"deref":   func(b *bool) bool { return b != nil && *b },
	"pct": func(n, of int) int {
		if of == 0 {
			return 0
		}
		return n * 100 / of
	},
}).Parse(htmlSource))

// Format implements Formatter.
func (h HTML) Format(w io.Writer, r *audit.Report) error {
	return htmlTemplate.Execute(w, htmlPage{Report: r, Run: htmlRun{
		Version: h.Options.version(), Accounts: len(r.Accounts), Regions: h.Options.allRegions(r),
	}})
}

// htmlPage is what the template sees: the report's fields as before, and
// the run the header states (version, accounts and regions covered).
type htmlPage struct {
	*audit.Report
	Run htmlRun
}

type htmlRun struct {
	Version  string
	Accounts int
	Regions  []string
}

// AccountEvidence writes one account's section of the HTML report (its
// chain, evidence, warnings and fixes) as an HTML fragment, escaped as
// the report is, for pages that show one account (the watch console).
func AccountEvidence(w io.Writer, a audit.AccountResult) error {
	return htmlTemplate.ExecuteTemplate(w, "account", a)
}
