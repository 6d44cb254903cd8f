package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// NewCmdPattern groups the local CloudWatch Logs filter-pattern tools:
// test (grep-like), explain and compare.
func NewCmdPattern(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pattern",
		Short: "Test, explain and compare CloudWatch Logs filter patterns locally",
		Long: `Evaluate CloudWatch Logs filter patterns (metric filters, subscription
filters, FilterLogEvents) on your machine with the semantics AWS applies.
See docs/filterpattern.md for the language.`,
		Args: usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(
		NewCmdPatternTest(f, nil),
		NewCmdPatternExplain(f, nil),
		NewCmdPatternCompare(f, nil),
		NewCmdPatternSQL(f, nil),
	)
	return cmd
}

// patternError is an invalid pattern, shown with the pattern and a caret
// under the culprit. which names the argument when there are several.
func patternError(which string, err error) error {
	var se *filterpattern.SyntaxError
	if !errors.As(err, &se) {
		return exitcode.New(exitcode.Usage, fmt.Errorf("invalid filter pattern%s: %w", which, err))
	}
	caret := "  " + strings.ReplaceAll(se.Caret(), "\n", "\n  ")
	return exitcode.New(exitcode.Usage, fmt.Errorf("invalid filter pattern%s: %w\n%s", which, err, caret))
}

type patternExplainOptions struct {
	Out     io.Writer
	Pattern string
	JSON    bool
}

// NewCmdPatternExplain prints the canonical form and a plain-English reading.
func NewCmdPatternExplain(f *Factory, runF func(context.Context, *patternExplainOptions) error) *cobra.Command {
	opts := &patternExplainOptions{}
	cmd := &cobra.Command{
		Use:     "explain PATTERN",
		Short:   "Print a filter pattern's canonical form and what it matches, in plain English",
		Example: `  rootwatch pattern explain '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'`,
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Out = f.Out
			opts.Pattern = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return patternExplainRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object: kind, canonical, explanation")
	return cmd
}

func patternExplainRun(_ context.Context, opts *patternExplainOptions) error {
	p, err := filterpattern.Parse(opts.Pattern)
	if err != nil {
		return patternError("", err)
	}
	if opts.JSON {
		return json.NewEncoder(opts.Out).Encode(struct {
			Kind        string `json:"kind"`
			Canonical   string `json:"canonical"`
			Explanation string `json:"explanation"`
		}{p.Kind.String(), p.String(), filterpattern.Explain(p)})
	}
	canon := p.String()
	if canon == "" {
		canon = `"" (empty pattern)`
	}
	_, err = fmt.Fprintf(opts.Out, "kind:      %s\ncanonical: %s\nmeaning:   %s\n", p.Kind, canon, filterpattern.Explain(p))
	return err
}

type patternCompareOptions struct {
	Out  io.Writer
	A, B string
	JSON bool
}

// NewCmdPatternCompare tells how the events two patterns match relate.
func NewCmdPatternCompare(f *Factory, runF func(context.Context, *patternCompareOptions) error) *cobra.Command {
	opts := &patternCompareOptions{}
	cmd := &cobra.Command{
		Use:   "compare A B",
		Short: "Tell whether pattern A is equivalent to, broader or narrower than, or different from B",
		Long: `Compare two filter patterns by meaning, not by text: clause order, spacing,
redundant parentheses and optional quotes do not matter. When they are not
equivalent, an example event that tells them apart is printed.

Exit status: 0 equivalent, 1 not equivalent, 2 invalid pattern.`,
		Example: `  rootwatch pattern compare '{$.userIdentity.type=Root}' '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }'`,
		Args:    usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Out = f.Out
			opts.A, opts.B = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return patternCompareRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object: relation, proven, note, onlyA, onlyB")
	return cmd
}

func patternCompareRun(_ context.Context, opts *patternCompareOptions) error {
	pa, err := filterpattern.Parse(opts.A)
	if err != nil {
		return patternError(" A", err)
	}
	pb, err := filterpattern.Parse(opts.B)
	if err != nil {
		return patternError(" B", err)
	}
	c, err := filterpattern.CompareAST(pa, pb)
	if err != nil {
		return fmt.Errorf("compare patterns: %w", err)
	}
	if opts.JSON {
		err = json.NewEncoder(opts.Out).Encode(struct {
			Relation string          `json:"relation"`
			Proven   bool            `json:"proven"`
			Note     string          `json:"note,omitempty"`
			OnlyA    json.RawMessage `json:"onlyA,omitempty"`
			OnlyB    json.RawMessage `json:"onlyB,omitempty"`
		}{c.Relation.String(), c.Proven, c.Note, asJSONValue(c.OnlyA), asJSONValue(c.OnlyB)})
	} else {
		err = writeComparison(opts.Out, c)
	}
	if err != nil {
		return err
	}
	if c.Relation != filterpattern.Equivalent {
		return exitcode.New(exitcode.NoMatch, nil)
	}
	return nil
}

func writeComparison(w io.Writer, c filterpattern.Comparison) error {
	var b strings.Builder
	switch c.Relation {
	case filterpattern.Equivalent:
		b.WriteString("equivalent: A and B match exactly the same events\n")
	case filterpattern.Broader:
		b.WriteString("broader: A matches every event B matches, and more\n")
	case filterpattern.Narrower:
		b.WriteString("narrower: B matches every event A matches, and more\n")
	default:
		b.WriteString("different: neither pattern matches every event the other matches\n")
	}
	if !c.Proven && c.Note != "" {
		fmt.Fprintf(&b, "(not proven: %s)\n", c.Note)
	}
	if c.OnlyA != nil {
		fmt.Fprintf(&b, "an event A matches and B does not:\n  %s\n", c.OnlyA)
	}
	if c.OnlyB != nil {
		fmt.Fprintf(&b, "an event B matches and A does not:\n  %s\n", c.OnlyB)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// asJSONValue embeds an event in JSON output: as itself when it is JSON,
// as a JSON string otherwise (unstructured log lines).
func asJSONValue(ev []byte) json.RawMessage {
	if ev == nil {
		return nil
	}
	if json.Valid(ev) {
		return json.RawMessage(ev)
	}
	s, _ := json.Marshal(string(ev))
	return s
}
