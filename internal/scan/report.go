package scan

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/safetext"
)

// Formats the report can be written in.
var Formats = []string{"table", "json", "jsonl", "csv"}

// Summary counts findings by account, region and event name.
type Summary struct {
	Findings  int            `json:"findings"`
	CIS       int            `json:"cis_matches"`
	Excluded  int            `json:"excluded"`
	ByAccount map[string]int `json:"by_account"`
	ByRegion  map[string]int `json:"by_region"`
	ByEvent   map[string]int `json:"by_event"`
}

// maxGroups bounds each of a summary's groups: account, region and event
// name are attacker-controlled text, and a flood of distinct values must
// not grow memory (or the summary) without bound.
const maxGroups = 1000

// otherGroup collects what falls past maxGroups.
const otherGroup = "(other)"

func newSummary() Summary {
	return Summary{ByAccount: map[string]int{}, ByRegion: map[string]int{}, ByEvent: map[string]int{}}
}

// add counts f.
func (s *Summary) add(f Finding) {
	s.Findings++
	if f.CIS {
		s.CIS++
	} else {
		s.Excluded++
	}
	acct := f.Account
	if f.AccountAlias != "" {
		acct += " (" + f.AccountAlias + ")"
	}
	group(s.ByAccount, acct)
	group(s.ByRegion, f.Region)
	group(s.ByEvent, f.EventSource+" "+f.EventName)
}

func group(m map[string]int, k string) {
	if _, ok := m[k]; !ok && len(m) >= maxGroups {
		k = otherGroup
	}
	m[k]++
}

// Summarize counts fs.
func Summarize(fs []Finding) Summary {
	s := newSummary()
	for _, f := range fs {
		s.add(f)
	}
	return s
}

// summary is r's summary: counted as the scan went, or from the findings
// of a Result built by hand.
func (r *Report) summary() Summary {
	if r.Result.Summary.ByAccount != nil {
		return r.Result.Summary
	}
	return Summarize(r.Result.Findings)
}

// episodes replays the alarm over r's matches.
func (r *Report) episodes() []Episode {
	if r.Result.Periods != nil {
		return ReplayPeriods(r.Result.Periods)
	}
	return ReplayAlarm(r.Result.Findings)
}

// Report is everything a scan prints.
type Report struct {
	Result  *Result
	AllRoot bool
	Alarm   bool // include the alarm replay
	// CSVRaw turns off the neutralising of spreadsheet formulas in csv
	// cells (--csv-raw), for machine consumers that need the raw value.
	CSVRaw bool
}

// Write writes the report of a finished scan in format to w. Table output
// also carries the summary (and alarm replay); json holds everything in
// one object; jsonl and csv hold findings only, so they stay
// machine-readable: their summary goes to WriteSummary.
func (r *Report) Write(w io.Writer, format string) error {
	sw, err := r.NewWriter(w, format)
	if err != nil {
		return err
	}
	for _, f := range r.Result.Findings {
		if err := sw.Add(f); err != nil {
			return err
		}
	}
	return sw.Close(r.Result)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func result(f Finding) string {
	if f.Success {
		return "success"
	}
	return "failed:" + f.ErrorCode
}

func (r *Report) tableHead() string {
	head := "TIME\tACCOUNT\tREGION\tEVENT\tSOURCE IP\tKIND\tMFA\tRESULT\tACCESS\tASSUMEROOT\tEVENT ID"
	if r.AllRoot {
		head += "\tCIS 4.3"
	}
	return head
}

// tableRow is one finding's row; every value goes through
// safetext.Terminal (and loses its tabs), since the record's author chose
// it and a terminal would obey its escape sequences.
func (r *Report) tableRow(f Finding) string {
	acct := f.Account
	if f.AccountAlias != "" {
		acct += " (" + f.AccountAlias + ")"
	}
	ar := "-"
	if f.AssumeRoot {
		ar = "yes"
	}
	cells := []string{ts(f.Time), dash(acct), dash(f.Region), dash(f.EventSource) + " " + dash(f.EventName),
		dash(f.SourceIP), f.Kind, dash(f.MFA), result(f), dash(f.Access), ar, dash(f.EventID)}
	if r.AllRoot {
		if f.CIS {
			cells = append(cells, "match")
		} else {
			cells = append(cells, "excluded: "+f.Excluded)
		}
	}
	for i, c := range cells {
		cells[i] = term(c)
	}
	return strings.Join(cells, "\t")
}

// term makes attacker-controlled text safe for a terminal and for
// tabwriter's columns.
func term(s string) string { return strings.ReplaceAll(safetext.Terminal(s), "\t", " ") }

// WriteSummary writes the human summary: counts, groups, alarm replay.
func (r *Report) WriteSummary(out io.Writer) error {
	w := &errWriter{w: out}
	res := r.Result
	s := r.summary()
	st := res.Stats
	w.printf("\nScanned %d records in %d inputs (%s decoded", st.Records, st.Units, bytesHuman(st.Bytes))
	if st.Elapsed > 0 {
		w.printf(", %s", st.Elapsed.Round(time.Millisecond))
	}
	w.printf("): %d root events matching CIS 4.3", s.CIS)
	if r.AllRoot {
		w.printf(", %d root events CIS excludes", s.Excluded)
	}
	w.println(".")
	if st.Duplicates > 0 {
		w.printf("Dropped %d records as duplicates (the same event delivered twice: same eventID, eventTime, eventName and account).\n", st.Duplicates)
	}
	if st.DedupFull {
		w.printf("More than %d distinct events: past that, duplicates were no longer dropped and may be reported twice.\n", maxDedupKeys)
	}
	if st.Insights+st.Digests > 0 {
		w.printf("Skipped %d Insights events and %d digest files.\n", st.Insights, st.Digests)
	}
	if st.Objects > 0 {
		w.printf("The input references %d S3 objects (event notifications); scan them with s3://BUCKET/PREFIX.\n", st.Objects)
	}
	if s.Findings > 0 {
		for _, g := range []struct {
			name string
			m    map[string]int
		}{{"account", s.ByAccount}, {"region", s.ByRegion}, {"event", s.ByEvent}} {
			w.printf("By %s:", g.name)
			for _, k := range sortedKeys(g.m) {
				w.printf(" %s=%d", term(k), g.m[k])
			}
			w.println()
		}
	}
	if r.Alarm {
		eps := r.episodes()
		w.printf("CIS alarm replay (Sum of matches per 5 minutes >= 1, 1 evaluation period): %d notifications.\n", len(eps))
		for _, e := range eps {
			w.printf("  ALARM at %s (%d events in %d periods), back to INSUFFICIENT_DATA at %s\n",
				ts(e.Alarm), e.Events, e.Periods, ts(e.Cleared))
		}
	}
	if len(res.Problems) > 0 {
		w.printf("PARTIAL RESULT: %d inputs could not be read in full:\n", len(res.Problems))
		for _, p := range res.Problems {
			w.printf("  %s\n", term(p.Msg))
		}
	}
	return w.err
}

// errWriter keeps the first write error so a report is written with
// plain print calls and checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) println(args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintln(e.w, args...)
	}
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func bytesHuman(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 2, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
