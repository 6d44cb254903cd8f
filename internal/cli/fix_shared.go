package cli

// Pieces fix, backout and verify share: opening AWS for reads and writes,
// the journal, and asking before changing anything.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/inventory"
	"github.com/rootwatch/rootwatch/internal/store"
)

// awsAccess opens AWS for the change commands. Tests replace it with one
// over awsfake.
type awsAccess struct {
	// Read opens the audit's read clients.
	Read func(ctx context.Context) (awsread.Dialer, error)
	// Write opens the write clients, given the account the credentials
	// belong to and the role to assume in the others.
	Write func(ctx context.Context, caller, partition, roleName string) (fix.Dialer, error)
}

// sdkAccess loads the SDK configuration once, on first use (after the
// flags are parsed), and gives Read and Write the same aws.Config (or the
// same error): one credential chain, so one AssumeRole or MFA prompt
// serves both.
func sdkAccess(f *Factory, profile, region *string) awsAccess {
	var (
		once   sync.Once
		cfg    aws.Config
		cfgErr error
	)
	load := func(ctx context.Context) (aws.Config, error) {
		once.Do(func() {
			cfg, cfgErr = f.AWSConfig(ctx, awsconfig.Options{Profile: *profile, Region: *region})
		})
		return cfg, cfgErr
	}
	return awsAccess{
		Read: func(ctx context.Context) (awsread.Dialer, error) {
			cfg, err := load(ctx)
			if err != nil {
				return nil, err
			}
			return awsread.NewSDKDialer(cfg), nil
		},
		Write: func(ctx context.Context, caller, partition, roleName string) (fix.Dialer, error) {
			cfg, err := load(ctx)
			if err != nil {
				return nil, err
			}
			return fix.NewSDKDialer(cfg, caller, roleName, partition), nil
		},
	}
}

// openWriter opens the read clients, asks who the caller is, and opens
// the write clients for that caller's account and partition, assuming
// roleName in the others. backout and verify start this way; each wraps
// the error with its own name.
func openWriter(ctx context.Context, a awsAccess, roleName string) (wd fix.Dialer, caller string, err error) {
	_, wd, caller, err = openReadWrite(ctx, a, roleName)
	return wd, caller, err
}

// openReadWrite is openWriter that also returns the read clients, for a
// command that audits before it changes anything.
func openReadWrite(ctx context.Context, a awsAccess, roleName string) (rd awsread.Dialer, wd fix.Dialer, caller string, err error) {
	rd, err = a.Read(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	caller, partition, err := whoAmI(ctx, rd)
	if err != nil {
		return nil, nil, "", err
	}
	wd, err = a.Write(ctx, caller, partition, roleName)
	if err != nil {
		return nil, nil, "", err
	}
	return rd, wd, caller, nil
}

// whoAmI returns the caller's account and partition.
func whoAmI(ctx context.Context, d awsread.Dialer) (account, partition string, err error) {
	id, err := d.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("identify the caller: %w", err)
	}
	partition = "aws"
	if a, err := inventory.ParseARN(aws.ToString(id.Arn)); err == nil && a.Partition != "" {
		partition = a.Partition
	}
	return aws.ToString(id.Account), partition, nil
}

// applyJournaled applies p with ap, which records into run, and closes
// run with the status the outcome deserves: done, partial (some steps
// failed) or failed. A failure to close is reported only when applying
// itself did not fail, so the first cause is the one the user sees.
func applyJournaled(ctx context.Context, ap *fix.Applier, p *fix.Plan, run *store.Run) (*fix.Result, error) {
	res, err := ap.Apply(ctx, p)
	status := store.RunDone
	switch {
	case err != nil:
		status = store.RunFailed
	case res.Failed() > 0:
		status = store.RunPartial
	}
	if cerr := run.Close(context.WithoutCancel(ctx), status); cerr != nil && err == nil {
		err = cerr
	}
	return res, err
}

// openJournal opens the store (SQLite by default) and its change journal,
// signed with the journal key.
func openJournal(ctx context.Context, dsn string, f *Factory) (*store.Store, *store.Journal, error) {
	key, err := journalKey(f)
	if err != nil {
		return nil, nil, err
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	j, err := store.OpenSignedJournal(ctx, s, f.Now, key)
	if err != nil {
		_ = s.Close()
		return nil, nil, err
	}
	return s, j, nil
}

// journalKey finds the journal's HMAC key: ROOTWATCH_JOURNAL_KEY, else
// --journal-key-file, else the default key file, created on first use.
// A file the user named must exist: a typo must not start a new key.
func journalKey(f *Factory) ([]byte, error) {
	if f.Getenv != nil {
		if v := f.Getenv(store.EnvJournalKey); v != "" {
			k, err := store.ParseJournalKey(v)
			if err != nil {
				return nil, fmt.Errorf("$%s: %w", store.EnvJournalKey, err)
			}
			return k, nil
		}
	}
	if f.JournalKeyFile != "" {
		return store.LoadJournalKey(f.JournalKeyFile, false)
	}
	path, err := store.DefaultKeyPath()
	if err != nil {
		return nil, err
	}
	return store.LoadJournalKey(path, true)
}

func defaultKeyHint() string {
	if p, err := store.DefaultKeyPath(); err == nil {
		return p
	}
	return "~/.config/rootwatch/journal.key"
}

// stdinIsTerminal: a prompt needs someone to answer it.
func stdinIsTerminal(f *Factory) bool {
	w, ok := f.In.(io.Writer)
	return ok && f.IsTerminal != nil && f.IsTerminal(w)
}

var errCancelled = errors.New("cancelled: nothing was changed")

// confirm asks on a terminal, refuses without one. yes skips the question.
func confirm(f *Factory, interactive, yes bool, command, question string) error {
	if yes {
		return nil
	}
	if !interactive {
		return exitcode.Usagef("%s: refusing to change AWS without confirmation: standard input is not a terminal. Re-run with --yes to apply the plan shown above, or with --dry-run to only show it", command)
	}
	_, _ = fmt.Fprintf(f.ErrOut, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	line, err := bufio.NewReader(f.In).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: read the answer: %w", command, err)
	}
	if strings.TrimSpace(line) != "yes" {
		return exitcode.New(exitcode.Error, fmt.Errorf("%s: %w", command, errCancelled))
	}
	return nil
}

// applyExit maps a result to the exit status: 0 when every chain
// finished, Partial (4) when some failed.
func applyExit(command string, res *fix.Result) error {
	if n := res.Failed(); n > 0 {
		return exitcode.New(exitcode.Partial, fmt.Errorf("%s: %d of %d chain(s) failed; the journal says what was and was not done; re-run to resume", command, n, len(res.Outcomes)))
	}
	return nil
}
