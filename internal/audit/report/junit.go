package report

import (
	"encoding/xml"
	"io"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// JUnit writes one test suite per account and one test case per link, in
// the shape of the Jenkins xUnit plugin's JUnit schema (junit-10.xsd),
// which GitLab reads too: FAIL is a <failure>; UNKNOWN is an <error>,
// because rootwatch could not look and a CI page must not turn green on
// it; an account not audited (suspended) is a <skipped> case. Every suite
// carries errors, and properties naming the rootwatch version, the
// account's regions and the time of collection.
type JUnit struct{ Options Options }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Package    string          `xml:"package,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Type    string `xml:"type,attr,omitempty"`
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// Format implements Formatter.
func (j JUnit) Format(w io.Writer, r *audit.Report) error {
	doc := junitSuites{Name: "rootwatch " + j.Options.version() + " audit: " + r.Benchmark + " " + r.Control, Time: "0"}
	collected := r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")
	for _, a := range r.Accounts {
		s := junitSuite{
			Name: "account " + a.Account, Timestamp: collected, Time: "0",
			Package: "rootwatch.cis-" + r.Control,
			Properties: []junitProperty{
				{"rootwatch.version", j.Options.version()},
				{"account", a.Account},
				{"regions", strings.Join(j.Options.regionsOf(a), ",")},
				{"collected_at", r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z")},
				{"status", string(a.Status)},
			},
		}
		if a.Name != "" {
			s.Name += " (" + a.Name + ")"
		}
		class := "cis-" + r.Control + "." + a.Account
		if a.Status == audit.Skipped {
			s.Cases = append(s.Cases, junitCase{Name: "audit", Classname: class, Time: "0", Skipped: &junitMessage{Message: a.Detail}})
		}
		for _, l := range a.Links {
			c := junitCase{Name: l.Name, Classname: class, Time: "0", SystemOut: junitOut(l)}
			switch l.Status {
			case audit.Fail:
				c.Failure = &junitMessage{Type: "FAIL", Message: l.Detail, Body: l.Fix}
			case audit.Unknown:
				c.Error = &junitMessage{Type: "UNKNOWN", Message: "rootwatch could not look: " + l.Detail}
			}
			s.Cases = append(s.Cases, c)
		}
		for _, c := range s.Cases {
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Tests, doc.Failures, doc.Errors = doc.Tests+s.Tests, doc.Failures+s.Failures, doc.Errors+s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitOut is a case's evidence: the resource and any warnings.
func junitOut(l audit.Link) string {
	lines := []string{}
	if l.Resource != "" {
		lines = append(lines, l.Resource)
	}
	for _, wn := range linkWarnings(l) {
		lines = append(lines, "warning: "+wn)
	}
	return strings.Join(lines, "\n")
}
