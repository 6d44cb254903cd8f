package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/store"
)

// NewCmdAlerts groups the commands over watch's outbox.
func NewCmdAlerts(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "List the alerts watch recorded and retry dead-lettered deliveries",
		Args:  usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newCmdAlertsList(f, nil), newCmdAlertsRetry(f, nil))
	return cmd
}

type alertsListOptions struct {
	Store  string
	State  string
	Alert  string
	Limit  int
	Format string
}

func newCmdAlertsList(f *Factory, runF func(context.Context, *alertsListOptions) error) *cobra.Command {
	opts := &alertsListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List alert deliveries (one row per alert and notifier), newest first",
		Long: `List the outbox: every alert watch recorded, once per notifier, with its
delivery state — pending (waiting or retrying), sent, or dead (gave up after
a permanent failure or too many attempts; retry with rootwatch alerts retry).`,
		Example: `  rootwatch alerts list --state dead
  rootwatch alerts list --store postgres://rootwatch@db/rootwatch --format json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.State {
			case "", store.OutboxPending, store.OutboxSent, store.OutboxDead:
			default:
				return exitcode.Usagef("--state %q: want pending, sent or dead", opts.State)
			}
			if opts.Format != "table" && opts.Format != "json" {
				return exitcode.Usagef("--format %q: want table or json", opts.Format)
			}
			if opts.Limit < 0 {
				return exitcode.Usagef("--limit must not be negative")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return alertsListRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Store, "store", "", "store: PATH.db or postgres://... (default: the state directory's)")
	fl.StringVar(&opts.State, "state", "", "only deliveries in this state: pending, sent, dead")
	fl.StringVar(&opts.Alert, "alert", "", "only this alert ID")
	fl.IntVar(&opts.Limit, "limit", 100, "at most this many rows (0: all)")
	fl.StringVar(&opts.Format, "format", "table", "table or json")
	return cmd
}

func openWatchStore(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.MigrateWatch(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// alertRow is the JSON shape of one delivery.
type alertRow struct {
	Alert       string    `json:"alert_id"`
	Notifier    string    `json:"notifier"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	Rule        string    `json:"rule"`
	Account     string    `json:"account"`
	Title       string    `json:"title"`
	EventIDs    []string  `json:"event_ids"`
	Created     time.Time `json:"created"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Sent        time.Time `json:"sent,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

func alertsListRun(ctx context.Context, f *Factory, opts *alertsListOptions) error {
	st, err := openWatchStore(ctx, opts.Store)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	items, err := st.ListOutbox(ctx, store.OutboxFilter{State: opts.State, AlertID: opts.Alert, Limit: opts.Limit})
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(f.Out)
		for _, it := range items {
			r := alertRow{Alert: it.AlertID, Notifier: it.Notifier, State: it.State, Attempts: it.Attempts, Rule: it.Rule,
				Account: it.Account, Title: it.Title, EventIDs: it.Alert.EventIDs, Created: it.Created, Sent: it.Sent, LastError: it.LastError}
			if it.State == store.OutboxPending {
				r.NextAttempt = it.NextAttempt
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	return writeAlertTable(f.Out, items)
}

func writeAlertTable(w io.Writer, items []store.OutboxItem) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "CREATED\tALERT\tNOTIFIER\tSTATE\tATTEMPTS\tACCOUNT\tTITLE\tDETAIL")
	for _, it := range items {
		detail := ""
		switch it.State {
		case store.OutboxSent:
			detail = "sent " + it.Sent.Format(time.RFC3339)
		case store.OutboxPending:
			detail = "next " + it.NextAttempt.Format(time.RFC3339)
			if it.LastError != "" {
				detail += ": " + it.LastError
			}
		case store.OutboxDead:
			detail = it.LastError
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", it.Created.Format(time.RFC3339), it.AlertID, it.Notifier,
			it.State, it.Attempts, it.Account, oneLine(it.Title, 60), oneLine(detail, 80))
	}
	return tw.Flush()
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

type alertsRetryOptions struct {
	Store   string
	AllDead bool
	IDs     []string
}

func newCmdAlertsRetry(f *Factory, runF func(context.Context, *alertsRetryOptions) error) *cobra.Command {
	opts := &alertsRetryOptions{}
	cmd := &cobra.Command{
		Use:   "retry [ALERT_ID...]",
		Short: "Queue dead-lettered deliveries again (a running watch sends them within seconds)",
		Example: `  rootwatch alerts retry rw-3f2a9c0e1b7d4a5e6f708192
  rootwatch alerts retry --all-dead`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			if len(args) == 0 && !opts.AllDead {
				return exitcode.Usagef("give alert IDs or --all-dead")
			}
			if len(args) > 0 && opts.AllDead {
				return exitcode.Usagef("give alert IDs or --all-dead, not both")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return alertsRetryRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Store, "store", "", "store: PATH.db or postgres://...")
	cmd.Flags().BoolVar(&opts.AllDead, "all-dead", false, "retry every dead-lettered delivery")
	return cmd
}

func alertsRetryRun(ctx context.Context, f *Factory, opts *alertsRetryOptions) error {
	st, err := openWatchStore(ctx, opts.Store)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	ids := opts.IDs
	if opts.AllDead {
		ids = []string{""}
	}
	var total int64
	var missing []string
	for _, id := range ids {
		n, err := st.Retry(ctx, id, f.Now())
		if err != nil {
			return err
		}
		if n == 0 && id != "" {
			missing = append(missing, id)
		}
		total += n
	}
	_, _ = fmt.Fprintf(f.Out, "%d deliveries queued again\n", total)
	if len(missing) > 0 {
		return exitcode.New(exitcode.Error, fmt.Errorf("no dead-lettered delivery for %s (see rootwatch alerts list --state dead)", strings.Join(missing, ", ")))
	}
	return nil
}
