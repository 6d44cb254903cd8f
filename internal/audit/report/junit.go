package report

import (
	"encoding/xml"
	"io"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// JUnit writes one test suite per account and one test case per link:
// FAIL is a failure, UNKNOWN and skipped accounts are skipped tests.
type JUnit struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// Format implements Formatter.
func (JUnit) Format(w io.Writer, r *audit.Report) error {
	doc := junitSuites{Name: "rootwatch audit: " + r.Benchmark + " " + r.Control}
	for _, a := range r.Accounts {
		s := junitSuite{Name: "account " + a.Account, Timestamp: r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")}
		if a.Name != "" {
			s.Name += " (" + a.Name + ")"
		}
		if a.Status == audit.Skipped {
			s.Cases = append(s.Cases, junitCase{Name: "audit", Classname: a.Account, Skipped: &junitMessage{Message: a.Detail}})
		}
		for _, l := range a.Links {
			c := junitCase{Name: l.Name, Classname: a.Account, SystemOut: l.Resource}
			switch l.Status {
			case audit.Fail:
				c.Failure = &junitMessage{Message: l.Detail, Body: l.Fix}
			case audit.Unknown:
				c.Skipped = &junitMessage{Message: l.Detail}
			}
			s.Cases = append(s.Cases, c)
		}
		for _, c := range s.Cases {
			s.Tests++
			if c.Failure != nil {
				s.Failures++
			}
			if c.Skipped != nil {
				s.Skipped++
			}
		}
		doc.Tests, doc.Failures, doc.Skipped = doc.Tests+s.Tests, doc.Failures+s.Failures, doc.Skipped+s.Skipped
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
