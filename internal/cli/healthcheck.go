package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// NewCmdHealthcheck asks a running watch whether it is alive (or ready):
// the container image's HEALTHCHECK, which has no shell or curl to do it.
func NewCmdHealthcheck(f *Factory) *cobra.Command {
	var addr string
	var ready bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Ask a running rootwatch watch whether it is alive (/healthz) or ready (/readyz)",
		Long: `healthcheck gets /healthz (or /readyz with --ready) from the watch
service's --listen address and exits 0 when it answers 200, 1 otherwise.
It is the container image's HEALTHCHECK: the image holds no shell or curl.`,
		Example: `  rootwatch healthcheck
  rootwatch healthcheck --ready --addr 127.0.0.1:9780`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := "/healthz"
			if ready {
				path = "/readyz"
			}
			return healthcheck(cmd.Context(), f, "http://"+addr+path, timeout)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", DefaultListen, "the watch service's --listen address")
	cmd.Flags().BoolVar(&ready, "ready", false, "check /readyz (able to record) instead of /healthz (alive)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "give up after this long")
	return cmd
}

func healthcheck(ctx context.Context, f *Factory, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return exitcode.Usagef("healthcheck: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s", url, resp.Status)
	}
	_, err = fmt.Fprintf(f.Out, "%s: %s\n", url, resp.Status)
	return err
}
