package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/safetext"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// NewCmdCorrections groups the commands over fixes that watch --correct ask
// proposed.
func NewCmdCorrections(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "corrections",
		Short: "Review the fixes watch proposed for broken CIS 4.3 chains (watch --correct ask)",
		Args:  usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newCmdCorrectionsList(f, nil), newCmdCorrectionsDecide(f, store.CorrectionApproved, nil),
		newCmdCorrectionsDecide(f, store.CorrectionRejected, nil), newCmdCorrectionsDecide(f, store.CorrectionSkipped, nil))
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
		Short: "List corrections and their decisions (who, when, why): proposed, approved, rejected, skipped, applied, failed, stale, expired, refused",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.State != "" && !slices.Contains(store.CorrectionStates, opts.State) {
				return exitcode.Usagef("--state %q: want one of %s", opts.State, strings.Join(store.CorrectionStates, ", "))
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
	Reason    string    `json:"reason,omitempty"`
	Expires   time.Time `json:"expires,omitzero"`
	Approvers []string  `json:"approvers,omitempty"`
	Actions   []string  `json:"actions,omitempty"`
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
				Created: c.Created, DecidedBy: c.DecidedBy, DecidedAt: c.DecidedAt, Reason: c.Reason, Expires: c.Expires,
				Approvers: c.Approvers, Actions: c.Actions, Result: c.Result}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(f.Out, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "ID\tCREATED\tACCOUNT\tSTATE\tSUMMARY\tDECIDED BY\tDECIDED AT\tWHY")
	for _, c := range cs {
		decided := ""
		if !c.DecidedAt.IsZero() {
			decided = c.DecidedAt.Format(time.RFC3339)
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Created.Format(time.RFC3339), c.Account, c.State,
			oneLine(c.Summary, 70), safetext.Terminal(c.DecidedBy), decided, oneLine(safetext.Terminal(c.Reason), 50))
	}
	return tw.Flush()
}

type correctionsDecideOptions struct {
	Store    string
	ID       string
	Reason   string
	Decision string // store.CorrectionApproved, Rejected or Skipped
	// Identity is who decides, as rootwatch authenticates it: the OS user
	// and host (watch.CLIIdentity). It is not a flag: only an approver
	// whose entry names this identity may decide.
	Identity string
}

func newCmdCorrectionsDecide(f *Factory, decision string, runF func(context.Context, *correctionsDecideOptions) error) *cobra.Command {
	opts := &correctionsDecideOptions{Decision: decision}
	var use, short string
	switch decision {
	case store.CorrectionApproved:
		use, short = "approve ID", "Approve a proposed correction; the running watch re-checks and applies it within seconds, journaled as fix does"
	case store.CorrectionRejected:
		use, short = "reject ID", "Reject a proposed correction (nothing is changed; proposed again after it would have expired)"
	default:
		use, short = "skip ID", "Leave the account as it is: this plan is not proposed again (a different one is)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

Only an approver of the correction may decide (rootwatch corrections list
--format json shows them). From the command line you are os:USER@HOST, the
OS user running this command and this host's name; an approver entry names
that identity (--approver os:alice@bastion, or
--approver alice@example.com=os:alice@bastion). The decision is recorded
with who, when and --reason.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			id, err := cliIdentity()
			if err != nil {
				return exitcode.New(exitcode.Error, err)
			}
			opts.Identity = id
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return correctionsDecideRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Store, "store", "", "store: PATH.db or postgres://...")
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why (recorded and notified)")
	return cmd
}

// cliIdentity is os:USER@HOST for the user running the command.
func cliIdentity() (string, error) {
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("who is deciding: %w", err)
	}
	host, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("who is deciding: %w", err)
	}
	return watch.CLIIdentity(u.Username, host), nil
}

// ErrNotApprover: the identity deciding is not one of the correction's
// approvers, or chose an action they may not.
var ErrNotApprover = errors.New("not allowed to decide")

func correctionsDecideRun(ctx context.Context, f *Factory, opts *correctionsDecideOptions) error {
	st, err := openWatchStore(ctx, opts.Store)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	c, err := st.GetCorrection(ctx, opts.ID)
	if errors.Is(err, store.ErrNotFound) {
		return exitcode.New(exitcode.Usage, fmt.Errorf("%w (see rootwatch corrections list)", err))
	}
	if err != nil {
		return err
	}
	principal, ok := watch.MayDecide(c.Approvers, opts.Identity)
	if !ok {
		return exitcode.New(exitcode.Error, fmt.Errorf("correction %s: %s is not an approver (approvers: %s): %w",
			opts.ID, opts.Identity, strings.Join(c.Approvers, ", "), ErrNotApprover))
	}
	if action := watch.DecisionAction(opts.Decision); len(c.Actions) > 0 && !slices.Contains(c.Actions, action) {
		return exitcode.New(exitcode.Error, fmt.Errorf("correction %s: account %s allows %s, not %s: %w",
			opts.ID, c.Account, strings.Join(c.Actions, ", "), action, ErrNotApprover))
	}
	by := principal
	if principal != opts.Identity {
		by += " (" + opts.Identity + ")"
	}
	err = st.DecideCorrection(ctx, opts.ID, store.Decision{State: opts.Decision, By: by, Reason: opts.Reason}, f.Now())
	switch {
	case errors.Is(err, store.ErrDecided):
		return exitcode.New(exitcode.Error, err)
	case err != nil:
		return err
	}
	verb := map[string]string{
		store.CorrectionApproved: "approved by " + by + "; the running watch re-checks and applies it within seconds",
		store.CorrectionRejected: "rejected by " + by,
		store.CorrectionSkipped:  "skipped by " + by + "; this plan is not proposed again",
	}[opts.Decision]
	_, _ = fmt.Fprintf(f.Out, "correction %s %s\n", opts.ID, verb)
	return nil
}
