package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/term"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
)

// Factory holds what commands need from the outside world. Tests build one
// with buffers and fakes; main builds one with NewSystemFactory.
type Factory struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTerminal reports whether the writer is an interactive terminal
	// (progress bars and confirmation prompts only appear there).
	IsTerminal func(w io.Writer) bool
	Now        func() time.Time
	Getenv     func(string) string
	// AWSConfig loads SDK configuration: default credential chain, profiles,
	// SSO, AWS_ENDPOINT_URL.
	AWSConfig func(ctx context.Context, o awsconfig.Options) (aws.Config, error)
	Logger    *slog.Logger
	// JournalKeyFile is --journal-key-file: the HMAC key that signs and
	// checks the change journal (empty: ROOTWATCH_JOURNAL_KEY, else the
	// default key file).
	JournalKeyFile string
}

// NewSystemFactory wires the real process streams, clock and AWS config.
func NewSystemFactory() *Factory {
	return &Factory{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		IsTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
		Now:       time.Now,
		Getenv:    os.Getenv,
		AWSConfig: awsconfig.Load,
		Logger:    slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}
