// Command rootwatch monitors, audits and remediates the use of AWS root
// credentials (CIS AWS Foundations Benchmark v3.0.0, control 4.3).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rootwatch/rootwatch/internal/cli"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Execute(ctx, cli.NewSystemFactory())
	stop()
	if err != nil && !exitcode.Silent(err) {
		fmt.Fprintln(os.Stderr, "rootwatch:", err)
	}
	os.Exit(exitcode.From(err))
}
