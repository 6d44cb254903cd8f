package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/store"
)

// NewCmdCorrections groups the commands over fixes that watch --correct ask
// proposed.
func NewCmdCorrections(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "corrections",
		Short: "Review the fixes watch proposed for broken CIS 4.3 chains (watch --correct ask)",
		Args:  usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newCmdCorrectionsList(f, nil), newCmdCorrectionsDecide(f, true, nil), newCmdCorrectionsDecide(f, false, nil))
	return cmd
}

type correctionsListOptions struct {
	Store  string
	State  string
	Format string
}

func newCmdCorrectionsList(f *Factory, runF func(context.Context, *correctionsListOptions) error) *cobra.Command {
	opts := &correctionsListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List proposed, approved, rejected and applied corrections",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.State {
			case "", store.CorrectionProposed, store.CorrectionApproved, store.CorrectionRejected, store.CorrectionApplied, store.CorrectionFailed:
			default:
				return exitcode.Usagef("--state %q: want proposed, approved, rejected, applied or failed", opts.State)
			}
			if opts.Format != "table" && opts.Format != "json" {
				return exitcode.Usagef("--format %q: want table or json", opts.Format)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return correctionsListRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Store, "store", "", "store: PATH.db or postgres://...")
	cmd.Flags().StringVar(&opts.State, "state", "", "only corrections in this state")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table or json")
	return cmd
}

type correctionRow struct {
	ID        string    `json:"id"`
	Account   string    `json:"account"`
	State     string    `json:"state"`
	Summary   string    `json:"summary"`
	Created   time.Time `json:"created"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Result    string    `json:"result,omitempty"`
}

func correctionsListRun(ctx context.Context, f *Factory, opts *correctionsListOptions) error {
	st, err := openWatchStore(ctx, opts.Store)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	cs, err := st.ListCorrections(ctx, opts.State)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(f.Out)
		for _, c := range cs {
			if err := enc.Encode(correctionRow{ID: c.ID, Account: c.Account, State: c.State, Summary: c.Summary,
				Created: c.Created, DecidedBy: c.DecidedBy, DecidedAt: c.DecidedAt, Result: c.Result}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(f.Out, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "ID\tCREATED\tACCOUNT\tSTATE\tSUMMARY\tDECIDED BY")
	for _, c := range cs {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Created.Format(time.RFC3339), c.Account, c.State, oneLine(c.Summary, 70), c.DecidedBy)
	}
	return tw.Flush()
}

type correctionsDecideOptions struct {
	Store   string
	ID      string
	By      string
	Approve bool
}

func newCmdCorrectionsDecide(f *Factory, approve bool, runF func(context.Context, *correctionsDecideOptions) error) *cobra.Command {
	opts := &correctionsDecideOptions{Approve: approve}
	use, short := "reject ID", "Reject a proposed correction (nothing is changed)"
	if approve {
		use, short = "approve ID", "Approve a proposed correction; the running watch applies it, journaled as fix does"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.By == "" {
				if u, err := user.Current(); err == nil {
					opts.By = u.Username
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return correctionsDecideRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Store, "store", "", "store: PATH.db or postgres://...")
	cmd.Flags().StringVar(&opts.By, "by", "", "who decides (default: the current user)")
	return cmd
}

func correctionsDecideRun(ctx context.Context, f *Factory, opts *correctionsDecideOptions) error {
	st, err := openWatchStore(ctx, opts.Store)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	err = st.DecideCorrection(ctx, opts.ID, opts.Approve, opts.By, f.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return exitcode.New(exitcode.Usage, fmt.Errorf("%w (see rootwatch corrections list)", err))
	case errors.Is(err, store.ErrDecided):
		return exitcode.New(exitcode.Error, err)
	case err != nil:
		return err
	}
	verb := "rejected"
	if opts.Approve {
		verb = "approved; the running watch applies it at its next audit"
	}
	_, _ = fmt.Fprintf(f.Out, "correction %s %s\n", opts.ID, verb)
	return nil
}
