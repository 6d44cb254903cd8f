package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

type patternTestOptions struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	Open   func(name string) (io.ReadCloser, error)

	Pattern string
	Files   []string

	Count  bool
	Values bool
	JSON   bool
	// MetricValue is the metricValue of the metric filter --values
	// simulates: a number or $.path / $name / $N.
	MetricValue  string
	DefaultValue *float64
	Dimensions   map[string]string
}

// NewCmdPatternTest is grep for filter patterns: it prints the events that
// match. runF replaces the run function in flag-parsing tests.
func NewCmdPatternTest(f *Factory, runF func(context.Context, *patternTestOptions) error) *cobra.Command {
	opts := &patternTestOptions{}
	var defaultValue string
	var dims []string
	cmd := &cobra.Command{
		Use:   "test PATTERN [FILE...]",
		Short: "Print the events a filter pattern matches (like grep)",
		Long: `Read log events, one per line, from the files (or standard input when there
are none, or for "-"), and print each event the pattern matches, exactly as
CloudWatch Logs would match it. A line that is a CloudTrail log file
({"Records":[...]}, as delivered to S3, gzipped or not) is expanded into its
records, read one at a time.

--values prints, for each match, the value a metric filter with
--metric-value would publish (default 1); with --default-value, that value
is printed when events were read but none matched.

A pattern that starts with "-" (an exclusion such as -DEBUG) must come after
"--", or it is read as flags: rootwatch pattern test -- -DEBUG app.log

Exit status: 0 when at least one event matched, 1 when none did, 2 when the
pattern is invalid or some input could not be read.`,
		Example: `  rootwatch pattern test '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }' events.jsonl
  zcat 123456789012_CloudTrail_us-east-1_*.json.gz | rootwatch pattern test --count '{ $.eventName = ConsoleLogin }'
  rootwatch pattern test --values --metric-value '$bytes' '[..., status_code = 4*, bytes]' access.log`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.In, opts.Out, opts.ErrOut = f.In, f.Out, f.ErrOut
			opts.Open = func(name string) (io.ReadCloser, error) { return os.Open(name) }
			opts.Pattern, opts.Files = args[0], args[1:]
			flags := cmd.Flags()
			if flags.Changed("metric-value") || flags.Changed("default-value") || flags.Changed("dimension") {
				opts.Values = true
			}
			if opts.Count && opts.Values {
				return exitcode.Usagef("--count cannot be combined with --values, --metric-value, --default-value or --dimension")
			}
			if flags.Changed("default-value") {
				v, err := strconv.ParseFloat(defaultValue, 64)
				if err != nil {
					return exitcode.Usagef("--default-value %q is not a number", defaultValue)
				}
				opts.DefaultValue = &v
			}
			for _, d := range dims {
				name, ref, ok := strings.Cut(d, "=")
				if !ok || name == "" || ref == "" {
					return exitcode.Usagef("--dimension %q: want NAME=REFERENCE, e.g. eventName=$.eventName", d)
				}
				if opts.Dimensions == nil {
					opts.Dimensions = map[string]string{}
				}
				opts.Dimensions[name] = ref
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return patternTestRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Count, "count", "c", false, "print only the number of matching events")
	fl.BoolVar(&opts.Values, "values", false, "print the metric value each match would publish")
	fl.BoolVar(&opts.JSON, "json", false, "print one JSON result object a line")
	fl.StringVar(&opts.MetricValue, "metric-value", "1", "metricValue: a number, or $.path (JSON) / $name or $N (space-delimited); implies --values")
	fl.StringVar(&defaultValue, "default-value", "", "defaultValue: printed when events were read and none matched; implies --values")
	fl.StringArrayVar(&dims, "dimension", nil, "dimension NAME=REFERENCE (repeatable, at most 3); implies --values")
	return cmd
}

// testResult is one line of --json output.
type testResult struct {
	File       string            `json:"file"`
	Line       int               `json:"line"`
	Record     int               `json:"record,omitempty"`
	Event      json.RawMessage   `json:"event"`
	Value      *float64          `json:"value,omitempty"`
	HasValue   *bool             `json:"hasValue,omitempty"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Extracted  map[string]string `json:"extracted,omitempty"`
}

func patternTestRun(ctx context.Context, opts *patternTestOptions) error {
	if _, err := filterpattern.Parse(opts.Pattern); err != nil {
		return patternError("", err)
	}
	match, err := opts.matchFunc()
	if err != nil {
		return err
	}
	files := opts.Files
	if len(files) == 0 {
		files = []string{"-"}
	}
	var (
		matched, read int
		inputErr      bool
		enc           = json.NewEncoder(opts.Out)
	)
	report := func(err error) {
		inputErr = true
		_, _ = fmt.Fprintf(opts.ErrOut, "rootwatch: pattern test: %v\n", err)
	}
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := opts.eachEvent(name, report, func(ev inputEvent) error {
			read++
			res, ok := match(ev.Data)
			if !ok {
				return nil
			}
			matched++
			if opts.Count {
				return nil
			}
			return opts.writeMatch(enc, name, ev, res)
		})
		if err != nil {
			var we *writeError
			if errors.As(err, &we) {
				return we.err
			}
			report(err)
		}
	}
	if err := opts.writeSummary(enc, matched, read); err != nil {
		return err
	}
	switch {
	case inputErr:
		return exitcode.New(exitcode.Usage, nil)
	case matched == 0:
		return exitcode.New(exitcode.NoMatch, nil)
	}
	return nil
}

// matchFunc returns the per-event test: the plain matcher, or the metric
// filter when values are wanted.
func (opts *patternTestOptions) matchFunc() (func([]byte) (filterpattern.MetricResult, bool), error) {
	if !opts.Values {
		m, err := filterpattern.Compile(opts.Pattern)
		if err != nil {
			return nil, patternError("", err)
		}
		return func(ev []byte) (filterpattern.MetricResult, bool) { return filterpattern.MetricResult{}, m.Match(ev) }, nil
	}
	mf, err := filterpattern.NewMetricFilter(opts.Pattern, filterpattern.MetricTransformation{
		MetricName:      "PatternTest",
		MetricNamespace: "rootwatch",
		MetricValue:     opts.MetricValue,
		DefaultValue:    opts.DefaultValue,
		Dimensions:      opts.Dimensions,
	})
	if err != nil {
		var se *filterpattern.SyntaxError
		if errors.As(err, &se) {
			return nil, patternError("", err)
		}
		return nil, exitcode.Usagef("metric filter: %v", err)
	}
	return mf.Evaluate, nil
}

// eachEvent reads the events of one input ("-" is standard input).
func (opts *patternTestOptions) eachEvent(name string, report func(error), fn func(inputEvent) error) error {
	r, label := opts.In, "standard input"
	if name != "-" {
		f, err := opts.Open(name)
		if err != nil {
			return err
		}
		// Read-only: a failing Close loses nothing.
		defer func() { _ = f.Close() }()
		r, label = f, name
	}
	er, err := newEventReader(r, func(err error) { report(fmt.Errorf("%s: %w", label, err)) })
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	if err := er.each(fn); err != nil {
		var we *writeError
		if errors.As(err, &we) {
			return err
		}
		return fmt.Errorf("%s: line %d: %w", label, er.line+1, err)
	}
	return nil
}

// writeError marks a failure to write output, which ends the run.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

func (opts *patternTestOptions) writeMatch(enc *json.Encoder, name string, ev inputEvent, res filterpattern.MetricResult) error {
	var err error
	switch {
	case opts.JSON:
		r := testResult{File: name, Line: ev.Line, Record: ev.Record, Event: asJSONValue(ev.Data)}
		if opts.Values {
			has := res.HasValue
			r.HasValue = &has
			if has {
				v := res.Value
				r.Value = &v
			}
			r.Dimensions, r.Extracted = res.Dimensions, res.Extracted
		}
		err = enc.Encode(r)
	case opts.Values:
		if !res.HasValue {
			_, _ = fmt.Fprintf(opts.ErrOut, "rootwatch: pattern test: %s: line %d: matched, but metric value %s (or a dimension) is missing or not a number: nothing would be published\n", displayName(name), ev.Line, opts.MetricValue)
			return nil
		}
		_, err = fmt.Fprintln(opts.Out, strconv.FormatFloat(res.Value, 'g', -1, 64))
	default:
		if _, err = opts.Out.Write(ev.Data); err == nil {
			_, err = io.WriteString(opts.Out, "\n")
		}
	}
	if err != nil {
		return &writeError{err}
	}
	return nil
}

func (opts *patternTestOptions) writeSummary(enc *json.Encoder, matched, read int) error {
	switch {
	case opts.Count && opts.JSON:
		return enc.Encode(struct {
			Count  int `json:"count"`
			Events int `json:"events"`
		}{matched, read})
	case opts.Count:
		_, err := fmt.Fprintln(opts.Out, matched)
		return err
	case opts.Values && opts.DefaultValue != nil && matched == 0 && read > 0:
		if opts.JSON {
			return enc.Encode(struct {
				Default bool    `json:"default"`
				Value   float64 `json:"value"`
			}{true, *opts.DefaultValue})
		}
		_, err := fmt.Fprintln(opts.Out, strconv.FormatFloat(*opts.DefaultValue, 'g', -1, 64))
		return err
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
