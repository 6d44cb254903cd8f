// Package scan finds root-user activity in CloudTrail history: it walks
// sources (local files, S3, CloudWatch Logs, CloudTrail LookupEvents),
// decodes and matches their records in parallel on every core, and
// returns findings, counts and the inputs it could not read.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/rootwatch/rootwatch/internal/bytesearch"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// Matcher is what the scanner needs from a compiled filter pattern; a
// *filterpattern.Matcher is one.
type Matcher interface {
	// Judge reports whether the event matches, and false for judged when
	// it may hold what the pattern looks for but is not well-formed
	// enough to tell (filterpattern.Matcher.Judge).
	Judge(event []byte) (matched, judged bool)
}

// Config says what to look for and how.
type Config struct {
	Matcher Matcher
	// Literals are the candidate literals of Matcher's pattern
	// (CandidateLiterals); nil sends every record to Matcher.
	Literals [][]byte
	// AllRoot also reports root events the pattern does not match, with
	// the reason CIS excludes them.
	AllRoot bool
	// Window limits findings (and lets sources skip whole days).
	Window Window
	// Workers decoding in parallel; 0 means one per CPU.
	Workers int
	// FetchConcurrency bounds remote reads (Unit.Remote) in flight,
	// apart from the decoders; 0 means DefaultFetchConcurrency.
	FetchConcurrency int
	// FetchMemory bounds the bytes of fetched objects waiting for a
	// decoder; 0 means DefaultFetchMemory.
	FetchMemory int64
	// Aliases maps account IDs to aliases for reports.
	Aliases map[string]string
	// Progress, when set, is updated as the scan goes.
	Progress *Progress
	// Sink, when set, gets each finding as it is found (calls are
	// serialised) and Result.Findings stays empty: memory then does not
	// grow with the number of findings. An error from it stops the scan.
	Sink func(Finding) error
	// MaxValue bounds one JSON value (one line) held in memory; 0 is the
	// decoder's default.
	MaxValue int
	// dedupMax bounds the dedup set (tests); 0 is maxDedupKeys.
	dedupMax int
}

// Window is a time range; zero ends are open.
type Window struct{ Since, Until time.Time }

// Contains reports whether t is inside the window. A zero t (a record
// without eventTime) is inside: leaving it out would hide it.
func (w Window) Contains(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	return (w.Since.IsZero() || !t.Before(w.Since)) && (w.Until.IsZero() || t.Before(w.Until))
}

// Overlaps reports whether [from, to) meets the window.
func (w Window) Overlaps(from, to time.Time) bool {
	return (w.Since.IsZero() || to.After(w.Since)) && (w.Until.IsZero() || from.Before(w.Until))
}

// Unit is one piece of input: a file or object to decode (Open), or a
// stream of records a service returns (Records).
type Unit struct {
	Name string
	// Err, when set, is why the unit could not be listed or opened: the
	// scan names it as a problem and goes on.
	Err     error
	Size    int64 // stored bytes; -1 when unknown
	Open    func(ctx context.Context) (io.ReadCloser, error)
	Records func(ctx context.Context, fn func(raw []byte) error) error
	// Judge, when set, decides the unit's records instead of
	// Config.Matcher (and without the literal prefilter): an SQL source
	// whose query already judged them. It is called on the goroutine
	// that delivers the record, before Records' callback returns.
	Judge func(raw []byte) (matched, judged bool)
	// Remote says Open is a network round trip: the fetch stage reads
	// the unit ahead of the decoders, many at once.
	Remote bool
	// release returns the fetch stage's memory once the unit is decoded.
	release func()
}

// Source enumerates units. Walk may prune by the window; it reports
// units as it finds them so decoding starts before listing ends.
type Source interface {
	String() string
	Walk(ctx context.Context, w Window, fn func(Unit) error) error
}

// Progress is updated atomically by a running scan.
type Progress struct {
	UnitsFound, UnitsDone atomic.Int64
	BytesFound, BytesDone atomic.Int64
	Listing               atomic.Bool
}

// Problem is input that could not be read in full; the scan went on.
type Problem struct {
	Where string `json:"where"`
	Err   error  `json:"-"`
	Msg   string `json:"error"`
}

// Stats counts a scan.
type Stats struct {
	Units      int64 `json:"units"`
	Records    int64 `json:"records"`
	Candidates int64 `json:"candidates"`
	// Malformed counts candidate records that are not well-formed JSON:
	// each is a problem (the first few named with their offset), since
	// whatever they hold was not judged.
	Malformed  int64 `json:"malformed_records,omitempty"`
	Matches    int64 `json:"matches"`
	Excluded   int64 `json:"excluded"`
	Duplicates int64 `json:"duplicates"`
	// DedupFull is set when the dedup set reached its bound: later
	// duplicates may be reported twice (never a distinct event dropped).
	DedupFull bool          `json:"dedup_bounded,omitempty"`
	Insights  int64         `json:"insights_skipped"`
	Digests   int64         `json:"digests_skipped"`
	Objects   int64         `json:"objects_referenced"`
	Bytes     int64         `json:"bytes_decoded"`
	Stored    int64         `json:"bytes_read"`
	Elapsed   time.Duration `json:"-"`
}

// Result is what a scan found.
type Result struct {
	// Findings are sorted by time; empty when Config.Sink took them.
	Findings []Finding
	Summary  Summary
	// Periods counts CIS matches per alarm period, for ReplayPeriods.
	Periods  map[time.Time]int
	Stats    Stats
	Problems []Problem
}

// Partial reports whether some input could not be read.
func (r *Result) Partial() bool { return len(r.Problems) > 0 }

// Run scans every source. It returns an error only when the scan itself
// cannot proceed (a cancelled context); unreadable input is a Problem.
func Run(ctx context.Context, cfg Config, sources []Source) (*Result, error) {
	if cfg.Matcher == nil {
		return nil, errors.New("scan: no matcher")
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	prog := cfg.Progress
	if prog == nil {
		prog = new(Progress)
	}
	s := &scanner{cfg: cfg, prog: prog, seen: newDedup(cfg.dedupMax), cands: cloudtrail.CandidateFinder(cfg.Literals),
		sum: newSummary(), periods: map[time.Time]int{}}
	start := time.Now()

	units := make(chan Unit, 4*workers)
	fetched := make(chan Unit, 4*workers)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(units)
		prog.Listing.Store(true)
		defer prog.Listing.Store(false)
		for _, src := range sources {
			err := src.Walk(gctx, cfg.Window, func(u Unit) error {
				prog.UnitsFound.Add(1)
				if u.Size > 0 {
					prog.BytesFound.Add(u.Size)
				}
				select {
				case units <- u:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				s.problem(src.String(), err)
			}
		}
		return nil
	})
	startFetch(gctx, g, cfg, units, fetched)
	for range workers {
		g.Go(func() error {
			dec := new(cloudtrail.Decoder)
			for u := range fetched {
				err := s.unit(gctx, u, dec)
				if u.release != nil {
					u.release()
				}
				if err != nil {
					return err
				}
				prog.UnitsDone.Add(1)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	res := &Result{Findings: s.findings, Summary: s.sum, Periods: s.periods, Stats: s.stats, Problems: s.problems}
	res.Stats.Elapsed = time.Since(start)
	res.Stats.DedupFull = s.seen.full
	sortFindings(res.Findings)
	slices.SortFunc(res.Problems, func(a, b Problem) int {
		switch {
		case a.Where < b.Where:
			return -1
		case a.Where > b.Where:
			return 1
		}
		return 0
	})
	return res, nil
}

type scanner struct {
	cfg  Config
	prog *Progress
	// cands prefilters records that sources hand over one by one, as
	// the decoder does for files.
	cands *bytesearch.Finder

	mu       sync.Mutex
	findings []Finding
	seen     *dedup
	sum      Summary
	periods  map[time.Time]int
	problems []Problem
	stats    Stats
}

// add takes one finding: deduplicated, counted, then collected or sent
// to the sink at once, so a unit holding millions of findings never
// holds them all.
func (s *scanner) add(f Finding, rec *cloudtrail.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.seen.first(s.seen.key(rec, f.CIS)) {
		s.stats.Duplicates++
		return nil
	}
	if f.CIS {
		s.stats.Matches++
		if !f.Time.IsZero() {
			s.periods[alarmPeriod(f.Time)]++
		}
	} else {
		s.stats.Excluded++
	}
	s.sum.add(f)
	if s.cfg.Sink != nil {
		return s.cfg.Sink(f)
	}
	s.findings = append(s.findings, f)
	return nil
}

func (s *scanner) problem(where string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := err.Error()
	s.problems = append(s.problems, Problem{Where: where, Err: err, Msg: msg})
}

// unit decodes one unit. Only a cancelled context is returned: everything
// else is recorded as a problem.
func (s *scanner) unit(ctx context.Context, u Unit, dec *cloudtrail.Decoder) error {
	if u.Err != nil {
		s.problem(u.Name, u.Err)
		return nil
	}
	var local Stats
	local.Units = 1
	var sinkErr error
	// Problems per unit are bounded: one forged file can hold millions of
	// malformed records. Past the bound they are counted, and the count
	// is a problem of its own.
	var unjudged int64
	defer func() {
		if unjudged > maxRecordProblems {
			s.problem(u.Name, fmt.Errorf("%d more records could not be judged (not named one by one)", unjudged-maxRecordProblems))
		}
	}()
	record := func(raw []byte, at place) {
		local.Candidates++
		f, rec, ok, err := s.evaluate(raw, at, u.Judge)
		if err != nil {
			if errors.Is(err, cloudtrail.ErrMalformedRecord) {
				local.Malformed++
			}
			if unjudged++; unjudged <= maxRecordProblems {
				s.problem(at.String(), err)
			}
			return
		}
		if ok && sinkErr == nil {
			sinkErr = s.add(f, &rec)
		}
	}
	switch {
	case u.Records != nil:
		err := u.Records(ctx, func(raw []byte) error {
			local.Records++
			local.Bytes += int64(len(raw))
			if u.Judge != nil || s.isCandidate(raw) {
				record(raw, place{u.Name, -1})
			}
			if sinkErr != nil {
				return sinkErr
			}
			return ctx.Err()
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if sinkErr != nil {
				return sinkErr
			}
			s.problem(u.Name, err)
		}
	case u.Open != nil:
		rc, err := u.Open(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.problem(u.Name, err)
			break
		}
		in := &progressReader{r: rc, p: s.prog}
		st, err := dec.Decode(in, u.Name, cloudtrail.Options{Candidates: s.cfg.Literals, MaxValue: s.cfg.MaxValue}, cloudtrail.Handler{
			Record: func(raw []byte, off int64) error {
				record(raw, place{u.Name, off})
				if sinkErr != nil {
					return sinkErr
				}
				return ctx.Err()
			},
			Problem: func(e *cloudtrail.DecodeError) { s.problem(u.Name, e) },
		})
		_ = rc.Close() // read-only: nothing to lose
		local.Stored = in.n
		local.Records = st.Records
		local.Insights, local.Digests, local.Objects, local.Bytes = st.Insights, st.Digests, st.Objects, st.Bytes
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if sinkErr != nil {
				return sinkErr
			}
			s.problem(u.Name, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.stats
	st.Units += local.Units
	st.Records += local.Records
	st.Candidates += local.Candidates
	st.Malformed += local.Malformed
	st.Insights += local.Insights
	st.Digests += local.Digests
	st.Objects += local.Objects
	st.Bytes += local.Bytes
	st.Stored += local.Stored
	return nil
}

func (s *scanner) isCandidate(raw []byte) bool {
	return s.cands == nil || s.cands.Index(raw) >= 0
}

// place is where a record was read: an input, and the byte offset in it
// when there is one (-1). It is formatted only for the few records that
// are reported.
type place struct {
	name string
	off  int64
}

func (p place) String() string {
	if p.off < 0 {
		return p.name
	}
	return fmt.Sprintf("%s@%d", p.name, p.off)
}

// maxRecordProblems bounds the records of one unit named as problems.
const maxRecordProblems = 20

// evaluate matches one candidate and, when it is reported, decodes it. A
// candidate the pattern cannot judge (not well-formed JSON) is an error:
// skipping it would let one broken escape hide a root record.
func (s *scanner) evaluate(raw []byte, at place, judge func([]byte) (bool, bool)) (Finding, cloudtrail.Record, bool, error) {
	if judge == nil {
		judge = s.cfg.Matcher.Judge
	}
	matched, judged := judge(raw)
	if !judged {
		return Finding{}, cloudtrail.Record{}, false, malformedAt(raw, at)
	}
	if !matched && !s.cfg.AllRoot {
		return Finding{}, cloudtrail.Record{}, false, nil
	}
	rec, err := cloudtrail.ParseRecord(raw)
	if err != nil {
		if !matched {
			// Not a record the pattern wants: a decoy with "Root" in
			// a malformed record is not worth a problem of its own.
			return Finding{}, rec, false, nil
		}
		return Finding{}, rec, false, err
	}
	v := cloudtrail.Classify(&rec)
	if !matched && !v.Root {
		return Finding{}, rec, false, nil
	}
	if !s.cfg.Window.Contains(rec.EventTime) {
		return Finding{}, rec, false, nil
	}
	f := newFinding(&rec, v, matched, at.String())
	f.AccountAlias = s.cfg.Aliases[f.Account]
	return f, rec, true, nil
}

// malformedAt describes a record the pattern could not judge, with the
// byte of the input where its JSON breaks when the record's offset is
// known.
func malformedAt(raw []byte, at place) error {
	e := cloudtrail.Malformed(raw)
	if at.off < 0 || e.Offset < 0 {
		return fmt.Errorf("%s: %w", at, e)
	}
	return &cloudtrail.DecodeError{Name: at.name, Offset: at.off + e.Offset, Msg: e.Reason, Err: cloudtrail.ErrMalformedRecord}
}

// progressReader counts stored bytes as they are read.
type progressReader struct {
	r io.Reader
	p *Progress
	n int64
}

func (c *progressReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.p.BytesDone.Add(int64(n))
	return n, err
}
