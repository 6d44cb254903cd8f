package scan

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rootwatch/rootwatch/internal/safetext"
)

// sortBuffer is how many findings a report holds to print them sorted by
// time. A scan with fewer prints exactly as if it had held them all; past
// it, each run of sortBuffer findings is printed sorted as soon as it is
// complete, so memory stays bounded whatever the number of findings.
const sortBuffer = 10000

// Writer writes a report while the scan runs: Add takes each finding
// (it is the scan's Config.Sink), Close the finished Result.
type Writer struct {
	r      *Report
	w      io.Writer
	format string
	max    int
	buf    []Finding
	n      int // findings written
	chunks int // runs of findings flushed
	csv    *csv.Writer
	err    error
}

// NewWriter starts a report in format on w.
func (r *Report) NewWriter(w io.Writer, format string) (*Writer, error) {
	if !slices.Contains(Formats, format) {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	return &Writer{r: r, w: w, format: format, max: sortBuffer}, nil
}

// Add takes one finding.
func (sw *Writer) Add(f Finding) error {
	if sw.err != nil {
		return sw.err
	}
	sw.buf = append(sw.buf, f)
	if len(sw.buf) >= sw.max {
		sw.err = sw.flush()
	}
	return sw.err
}

// Close writes the findings still held and the end of the report.
func (sw *Writer) Close(res *Result) error {
	if sw.err != nil {
		return sw.err
	}
	if err := sw.flush(); err != nil {
		return err
	}
	rep := *sw.r
	rep.Result = res
	switch sw.format {
	case "table":
		if sw.n == 0 {
			msg := "No root activity found."
			if res.Partial() {
				msg = "No root activity found in the input that could be read: the result is partial (see below)."
			}
			if _, err := fmt.Fprintln(sw.w, msg); err != nil {
				return err
			}
		}
		if sw.chunks > 1 {
			if _, err := fmt.Fprintf(sw.w, "\n(%d findings, printed in runs of %d, each sorted by time.)\n", sw.n, sw.max); err != nil {
				return err
			}
		}
		return rep.WriteSummary(sw.w)
	case "json":
		return sw.jsonTail(&rep)
	case "csv":
		if sw.n == 0 {
			if err := sw.csvWriter().Write(csvHeader); err != nil {
				return err
			}
		}
		sw.csvWriter().Flush()
		return sw.csvWriter().Error()
	}
	return nil
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
}

// flush writes the held findings, sorted.
func (sw *Writer) flush() error {
	if len(sw.buf) == 0 {
		return nil
	}
	sortFindings(sw.buf)
	var err error
	switch sw.format {
	case "table":
		err = sw.table()
	case "json":
		err = sw.json()
	case "jsonl":
		enc := json.NewEncoder(sw.w)
		for _, f := range sw.buf {
			if err = enc.Encode(f); err != nil {
				break
			}
		}
	case "csv":
		err = sw.csvRows()
	}
	sw.n += len(sw.buf)
	sw.chunks++
	clear(sw.buf)
	sw.buf = sw.buf[:0]
	return err
}

func (sw *Writer) table() error {
	tw := tabwriter.NewWriter(sw.w, 0, 0, 2, ' ', 0)
	w := &errWriter{w: tw}
	if sw.n == 0 {
		w.println(sw.r.tableHead())
	}
	for _, f := range sw.buf {
		w.println(sw.r.tableRow(f))
	}
	if w.err != nil {
		return w.err
	}
	return tw.Flush()
}

// json streams the findings array: each finding is indented as the whole
// object would indent it, so the output is the one a single Encode of
// everything gives.
func (sw *Writer) json() error {
	w := &errWriter{w: sw.w}
	for i, f := range sw.buf {
		b, err := json.MarshalIndent(f, "    ", "  ")
		if err != nil {
			return err
		}
		if sw.n == 0 && i == 0 {
			w.printf("{\n  \"findings\": [\n    ")
		} else {
			w.printf(",\n    ")
		}
		if w.err == nil {
			_, w.err = sw.w.Write(b)
		}
	}
	return w.err
}

type jsonTail struct {
	Summary  Summary   `json:"summary"`
	Stats    Stats     `json:"stats"`
	Alarm    []Episode `json:"alarm,omitempty"`
	Problems []Problem `json:"problems"`
	Partial  bool      `json:"partial"`
}

func (sw *Writer) jsonTail(r *Report) error {
	jt := jsonTail{Summary: r.summary(), Stats: r.Result.Stats, Problems: r.Result.Problems, Partial: r.Result.Partial()}
	if jt.Problems == nil {
		jt.Problems = []Problem{}
	}
	if r.Alarm {
		jt.Alarm = r.episodes()
	}
	b, err := json.MarshalIndent(jt, "", "  ")
	if err != nil {
		return err
	}
	head := "\n  ],\n"
	if sw.n == 0 {
		head = "{\n  \"findings\": [],\n"
	}
	// b is "{\n  \"summary\": ...\n}": its fields follow the findings.
	_, err = io.WriteString(sw.w, head+string(b[2:])+"\n")
	return err
}

var csvHeader = []string{"time", "account", "account_alias", "region", "event_source", "event_name", "source_ip",
	"user_agent", "kind", "mfa", "success", "error_code", "access", "assume_root", "event_id", "cis", "excluded", "where"}

func (sw *Writer) csvWriter() *csv.Writer {
	if sw.csv == nil {
		sw.csv = csv.NewWriter(sw.w)
	}
	return sw.csv
}

// csvRows writes the held findings. Cells a spreadsheet would run as a
// formula (a userAgent of =HYPERLINK(...)) are neutralised by OWASP's
// rule unless the report is raw.
func (sw *Writer) csvRows() error {
	cw := sw.csvWriter()
	if sw.n == 0 {
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
	}
	for _, f := range sw.buf {
		t := ""
		if !f.Time.IsZero() {
			t = f.Time.UTC().Format(time.RFC3339)
		}
		row := []string{t, f.Account, f.AccountAlias, f.Region, f.EventSource, f.EventName, f.SourceIP,
			f.UserAgent, f.Kind, f.MFA, strconv.FormatBool(f.Success), f.ErrorCode, f.Access,
			strconv.FormatBool(f.AssumeRoot), f.EventID, strconv.FormatBool(f.CIS), f.Excluded, f.Where}
		if !sw.r.CSVRaw {
			row = safetext.CSVRow(row)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
