package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

func patternFactory(stdin string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{
		In:         strings.NewReader(stdin),
		Out:        out,
		ErrOut:     errOut,
		IsTerminal: func(io.Writer) bool { return false },
		Now:        func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) },
		Getenv:     func(string) string { return "" },
	}, out, errOut
}

func TestPatternTestFlags(t *testing.T) {
	one := 1.0
	tests := []struct {
		name     string
		args     []string
		wantCode int // exit status when parsing fails; OK when it succeeds
		want     patternTestOptions
	}{
		{"pattern only", []string{"ERROR"}, exitcode.OK, patternTestOptions{Pattern: "ERROR", Files: []string{}, MetricValue: "1"}},
		{"files", []string{"ERROR", "a.log", "-"}, exitcode.OK, patternTestOptions{Pattern: "ERROR", Files: []string{"a.log", "-"}, MetricValue: "1"}},
		{"count", []string{"-c", "ERROR"}, exitcode.OK, patternTestOptions{Pattern: "ERROR", Files: []string{}, Count: true, MetricValue: "1"}},
		{"count json", []string{"--count", "--json", "ERROR"}, exitcode.OK, patternTestOptions{Pattern: "ERROR", Files: []string{}, Count: true, JSON: true, MetricValue: "1"}},
		{"metric value implies values", []string{"--metric-value", "$.bytes", "{ $.a = 1 }"}, exitcode.OK, patternTestOptions{Pattern: "{ $.a = 1 }", Files: []string{}, Values: true, MetricValue: "$.bytes"}},
		{"default value", []string{"--values", "--default-value", "1", "X"}, exitcode.OK, patternTestOptions{Pattern: "X", Files: []string{}, Values: true, MetricValue: "1", DefaultValue: &one}},
		{"dimension", []string{"--dimension", "ev=$.eventName", "{ $.a = 1 }"}, exitcode.OK, patternTestOptions{Pattern: "{ $.a = 1 }", Files: []string{}, Values: true, MetricValue: "1", Dimensions: map[string]string{"ev": "$.eventName"}}},
		{"no pattern", []string{}, exitcode.Usage, patternTestOptions{}},
		{"bad default", []string{"--default-value", "x", "X"}, exitcode.Usage, patternTestOptions{}},
		{"bad dimension", []string{"--dimension", "ev", "X"}, exitcode.Usage, patternTestOptions{}},
		{"count and values", []string{"--count", "--values", "X"}, exitcode.Usage, patternTestOptions{}},
		{"unknown flag", []string{"--nope", "X"}, exitcode.Usage, patternTestOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := patternFactory("")
			var got *patternTestOptions
			cmd := NewCmdPatternTest(f, func(_ context.Context, o *patternTestOptions) error {
				got = o
				return nil
			})
			cmd.SetFlagErrorFunc(flagError)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.ExecuteContext(context.Background())
			if code := exitcode.From(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode != exitcode.OK {
				if got != nil {
					t.Fatal("run function called despite the usage error")
				}
				return
			}
			got.In, got.Out, got.ErrOut, got.Open = nil, nil, nil, nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options = %+v\nwant      %+v", *got, tt.want)
			}
		})
	}
}

const (
	rootCall    = `{"userIdentity":{"type":"Root","arn":"arn:aws:iam::123456789012:root"},"eventName":"ListBuckets","eventType":"AwsApiCall","bytes":42}`
	rootSignIn  = `{"userIdentity":{"type":"Root"},"eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn"}`
	rootInvoked = `{"userIdentity":{"type":"Root","invokedBy":"cloudtrail.amazonaws.com"},"eventName":"X","eventType":"AwsApiCall"}`
	rootService = `{"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent"}`
	iamUser     = `{"userIdentity":{"type":"IAMUser"},"eventName":"ListBuckets","eventType":"AwsApiCall"}`
	rootNoType  = `{"userIdentity":{"type":"Root"},"eventName":"X"}`
)

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return b.String()
}

func TestPatternTestRun(t *testing.T) {
	lines := strings.Join([]string{rootCall, iamUser, "plain text ERROR line", "", rootInvoked, rootService, rootSignIn, rootNoType}, "\n") + "\n"
	records := `{"Records":[` + rootCall + "," + iamUser + "," + rootSignIn + `]}`
	files := map[string]string{
		"events.jsonl":  lines,
		"trail.json":    records + "\n" + rootService + "\n",
		"trail.json.gz": gzipped(records),
		"pretty.json":   "{\n  \"Records\": [\n    " + rootCall + ",\n    " + iamUser + "\n  ]\n}\n" + rootSignIn + "\n",
		"broken.json":   `{"Records":[` + rootCall + `,{"x":` + "\n" + rootSignIn + "\n",
		"junk.json":     records + ` trailing` + "\n" + rootSignIn + "\n",
		"long.log":      strings.Repeat("x", maxEventBytes+10) + "\nERROR here\n",
		"crlf.log":      "ERROR one\r\nnothing\r\n",
		"brace.json":    records + "]}\n" + rootSignIn + "\n",
		"zcat.json":     records + records + " \n" + records + "\n" + rootSignIn,
		"pretty2.json":  "{\n\"Records\": [" + rootCall + "]}\n{\"Records\": [" + rootSignIn + "]}\n",
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string
		wantErr  string // substring of stderr
	}{
		{"cis 4.3 lines", []string{cis.RootUsagePattern, "events.jsonl"}, "", exitcode.Matched, rootCall + "\n" + rootSignIn + "\n", ""},
		{"stdin", []string{cis.RootUsagePattern}, lines, exitcode.Matched, rootCall + "\n" + rootSignIn + "\n", ""},
		{"dash is stdin", []string{"--count", cis.RootUsagePattern, "-", "events.jsonl"}, lines, exitcode.Matched, "4\n", ""},
		{"count", []string{"-c", cis.RootUsagePattern, "events.jsonl"}, "", exitcode.Matched, "2\n", ""},
		{"count json", []string{"-c", "--json", cis.RootUsagePattern, "events.jsonl"}, "", exitcode.Matched, `{"count":2,"events":7}` + "\n", ""},
		{"no match", []string{`{ $.eventName = "Nope" }`, "events.jsonl"}, "", exitcode.NoMatch, "", ""},
		{"no match count", []string{"-c", `{ $.eventName = "Nope" }`, "events.jsonl"}, "", exitcode.NoMatch, "0\n", ""},
		{"terms match plain text", []string{"ERROR", "events.jsonl"}, "", exitcode.Matched, "plain text ERROR line\n", ""},
		{"exclusion after --", []string{"-c", "--", "-ERROR", "events.jsonl"}, "", exitcode.Matched, "6\n", ""},
		{"records expanded", []string{cis.RootUsagePattern, "trail.json"}, "", exitcode.Matched, rootCall + "\n" + rootSignIn + "\n", ""},
		{"gzip records", []string{"-c", cis.RootUsagePattern, "trail.json.gz"}, "", exitcode.Matched, "2\n", ""},
		{"pretty records", []string{"--json", `{ $.eventName = * }`, "pretty.json"}, "", exitcode.Matched,
			`{"file":"pretty.json","line":1,"record":1,"event":` + rootCall + "}\n" +
				`{"file":"pretty.json","line":1,"record":2,"event":` + iamUser + "}\n" +
				`{"file":"pretty.json","line":7,"event":` + rootSignIn + "}\n", ""},
		{"json plain line", []string{"--json", "ERROR", "events.jsonl"}, "", exitcode.Matched, `{"file":"events.jsonl","line":3,"event":"plain text ERROR line"}` + "\n", ""},
		{"values literal", []string{"--values", cis.RootUsagePattern, "events.jsonl"}, "", exitcode.Matched, "1\n1\n", ""},
		{"values field", []string{"--metric-value", "$.bytes", cis.RootUsagePattern, "events.jsonl"}, "", exitcode.Matched, "42\n", "line 7: matched, but metric value $.bytes"},
		{"values json", []string{"--json", "--metric-value", "$.bytes", `{ $.bytes > 1 }`, "events.jsonl"}, "", exitcode.Matched,
			`{"file":"events.jsonl","line":1,"event":` + rootCall + `,"value":42,"hasValue":true,"extracted":{"$.bytes":"42"}}` + "\n", ""},
		{"default value", []string{"--default-value", "0", `{ $.eventName = "Nope" }`, "events.jsonl"}, "", exitcode.NoMatch, "0\n", ""},
		{"crlf", []string{"--json", "ERROR", "crlf.log"}, "", exitcode.Matched, `{"file":"crlf.log","line":1,"event":"ERROR one"}` + "\n", ""},
		{"invalid pattern", []string{`{ $.a = 1`, "events.jsonl"}, "", exitcode.Usage, "", ""},
		{"missing file", []string{"-c", cis.RootUsagePattern, "nope.jsonl", "events.jsonl"}, "", exitcode.Usage, "2\n", "nope.jsonl"},
		{"broken records", []string{cis.RootUsagePattern, "broken.json"}, "", exitcode.Usage, rootCall + "\n" + rootSignIn + "\n", "broken.json: line 1: CloudTrail log file (after 1 records)"},
		{"junk after records", []string{"-c", cis.RootUsagePattern, "junk.json"}, "", exitcode.Usage, "3\n", "unexpected text after the closing }"},
		{"concatenated log files", []string{"--json", "-c", cis.RootUsagePattern, "zcat.json"}, "", exitcode.Matched, `{"count":7,"events":10}` + "\n", ""},
		{"concatenated record numbers", []string{"--json", `{ $.eventName = "ConsoleLogin" }`, "zcat.json"}, "", exitcode.Matched,
			`{"file":"zcat.json","line":1,"record":3,"event":` + rootSignIn + "}\n" +
				`{"file":"zcat.json","line":1,"record":6,"event":` + rootSignIn + "}\n" +
				`{"file":"zcat.json","line":2,"record":3,"event":` + rootSignIn + "}\n" +
				`{"file":"zcat.json","line":3,"event":` + rootSignIn + "}\n", ""},
		{"pretty then one-line", []string{"--json", `{ $.eventName = * }`, "pretty2.json"}, "", exitcode.Matched,
			`{"file":"pretty2.json","line":1,"record":1,"event":` + rootCall + "}\n" +
				`{"file":"pretty2.json","line":3,"record":1,"event":` + rootSignIn + "}\n", ""},
		{"stray brackets after records", []string{"-c", cis.RootUsagePattern, "brace.json"}, "", exitcode.Usage, "3\n", `unexpected "]" after the closing }`},
		{"long line", []string{"ERROR", "long.log"}, "", exitcode.Usage, "ERROR here\n", "long.log: line 1: longer than"},
		{"bad metric value", []string{"--metric-value", "bytes", cis.RootUsagePattern, "events.jsonl"}, "", exitcode.Usage, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := patternFactory(tt.stdin)
			cmd := NewCmdPatternTest(f, func(ctx context.Context, o *patternTestOptions) error {
				o.Open = func(name string) (io.ReadCloser, error) {
					s, ok := files[name]
					if !ok {
						return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
					}
					return io.NopCloser(strings.NewReader(s)), nil
				}
				return patternTestRun(ctx, o)
			})
			cmd.SetFlagErrorFunc(flagError)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			err := cmd.ExecuteContext(context.Background())
			if code := exitcode.From(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d\nstderr: %s", code, err, tt.wantCode, errOut)
			}
			if got := out.String(); got != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.wantOut)
			}
			if tt.wantErr != "" && !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

func TestPatternInvalidShowsCaret(t *testing.T) {
	f, _, _ := patternFactory("")
	root := NewRootCmd(f)
	root.SetArgs([]string{"pattern", "test", `{ $.userIdentity.type == "Root" }`})
	err := root.ExecuteContext(context.Background())
	if exitcode.From(err) != exitcode.Usage {
		t.Fatalf("exit %d, want %d", exitcode.From(err), exitcode.Usage)
	}
	want := "invalid filter pattern: column 23: \"==\" is not an operator; equality is written \"=\"\n" +
		"  { $.userIdentity.type == \"Root\" }\n" +
		"                        ^"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}

func TestPatternExplain(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"pattern", "explain", `{$.userIdentity.type=Root&&$.userIdentity.invokedBy NOT EXISTS&&$.eventType!=AwsServiceEvent}`}, exitcode.OK,
			"kind:      json\ncanonical: " + cis.RootUsagePattern + "\nmeaning:   matches JSON events where userIdentity.type is exactly \"Root\", and userIdentity.invokedBy does not exist, and eventType exists and is not \"AwsServiceEvent\""},
		{[]string{"pattern", "explain", ""}, exitcode.OK, "canonical: \"\" (empty pattern)\nmeaning:   matches every event\n"},
		{[]string{"pattern", "explain", "--json", "?ERROR ?WARN"}, exitcode.OK, `{"kind":"terms","canonical":"?ERROR ?WARN","explanation":"matches events that contain at least one of \"ERROR\" or \"WARN\" (case-sensitive)"}` + "\n"},
		{[]string{"pattern", "explain", "a@b"}, exitcode.Usage, ""},
		{[]string{"pattern", "explain"}, exitcode.Usage, ""},
		{[]string{"pattern", "explain", "a", "b"}, exitcode.Usage, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, _ := patternFactory("")
			root := NewRootCmd(f)
			root.SetArgs(tt.args)
			err := root.ExecuteContext(context.Background())
			if code := exitcode.From(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q does not contain %q", out.String(), tt.wantOut)
			}
		})
	}
}

func TestPatternCompare(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		json     bool
		wantCode int
		wantOut  []string
	}{
		{"equivalent reordered", `{ ($.eventType != "AwsServiceEvent") && $.userIdentity.invokedBy NOT EXISTS && ($.userIdentity.type = Root) }`, cis.RootUsagePattern, false, exitcode.OK,
			[]string{"equivalent: A and B match exactly the same events\n"}},
		{"broader", `{ $.userIdentity.type = "Root" }`, cis.RootUsagePattern, false, exitcode.NoMatch,
			[]string{"broader: A matches every event B matches, and more\n", "an event A matches and B does not:\n  {"}},
		{"narrower", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.eventName = "ConsoleLogin" }`, cis.RootUsagePattern, false, exitcode.NoMatch,
			[]string{"narrower: B matches every event A matches, and more\n", "an event B matches and A does not:\n  {"}},
		{"different json", `{ $.eventName = "A" }`, `{ $.eventName = "B" }`, true, exitcode.NoMatch,
			[]string{`"relation":"different"`, `"onlyA":{`, `"onlyB":{`}},
		{"invalid A", `{ $.a = 'x' }`, cis.RootUsagePattern, false, exitcode.Usage, nil},
		{"invalid B", cis.RootUsagePattern, `{ a = 1 }`, false, exitcode.Usage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, _ := patternFactory("")
			root := NewRootCmd(f)
			args := []string{"pattern", "compare", tt.a, tt.b}
			if tt.json {
				args = append(args, "--json")
			}
			root.SetArgs(args)
			err := root.ExecuteContext(context.Background())
			if code := exitcode.From(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode == exitcode.Usage {
				var se *exitcode.StatusError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), "invalid filter pattern") {
					t.Errorf("error %v does not name the invalid pattern", err)
				}
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout %q does not contain %q", out.String(), w)
				}
			}
		})
	}
}
