package fix

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/rootwatch/rootwatch/internal/store"
)

// Recorder journals changes; *store.Run is one.
type Recorder interface {
	Begin(ctx context.Context, c store.Change) (store.Change, error)
	Finish(ctx context.Context, c *store.Change, result string, callErr error) error
}

var _ Recorder = (*store.Run)(nil)

// Applier makes a plan's changes, journaling each before and after.
type Applier struct {
	Dialer   Dialer
	Recorder Recorder
	// Concurrency bounds how many accounts are changed at once (default 4).
	Concurrency int
	// Sleep waits between retries; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnStep, when set, is told of each step as it finishes (progress);
	// calls are serialised.
	OnStep func(s Step, err error)
	// Reverted, when set, is told when a backout step has undone the
	// journaled change it names (Step.Undoes); *store.Journal is one.
	Reverted interface {
		MarkReverted(ctx context.Context, c *store.Change, by string) error
	}

	onStepMu sync.Mutex
}

// Outcome is what happened to one chain's steps.
type Outcome struct {
	Account, Region string
	Done            []Step
	// Failed is the step that failed, with Err; the steps after it were
	// not attempted (each builds on the one before).
	Failed       *Step
	Err          error
	NotAttempted []Step
}

// Result is the outcome of applying a plan.
type Result struct {
	Outcomes []Outcome
}

// Failed counts the chains that did not finish.
func (r *Result) Failed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Err != nil {
			n++
		}
	}
	return n
}

// Apply makes the changes. A failure stops only its own chain; the
// others carry on. The returned error is for the journal itself failing,
// when nothing can be trusted any more.
func (a *Applier) Apply(ctx context.Context, p *Plan) (*Result, error) {
	res := &Result{Outcomes: make([]Outcome, len(p.Accounts))}
	g, gctx := errgroup.WithContext(ctx)
	limit := a.Concurrency
	if limit <= 0 {
		limit = 4
	}
	g.SetLimit(limit)
	var mu sync.Mutex
	for i := range p.Accounts {
		ap := &p.Accounts[i]
		res.Outcomes[i] = Outcome{Account: ap.Account, Region: ap.Region}
		if ap.Err != nil || len(ap.Steps) == 0 {
			continue
		}
		g.Go(func() error {
			out, err := a.applyAccount(gctx, ap)
			mu.Lock()
			res.Outcomes[i] = out
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	return res, nil
}

func (a *Applier) applyAccount(ctx context.Context, ap *AccountPlan) (Outcome, error) {
	out := Outcome{Account: ap.Account, Region: ap.Region}
	conn, err := a.Dialer.Conn(ctx, ap.Account)
	if err != nil {
		out.Err = fmt.Errorf("account %s: open clients: %w", ap.Account, err)
		out.NotAttempted = ap.Steps
		return out, nil
	}
	x := &executor{conn: conn, sleep: a.sleep}
	for i := range ap.Steps {
		s := ap.Steps[i]
		jerr, callErr := a.applyStep(ctx, x, &s)
		if a.OnStep != nil {
			a.onStepMu.Lock()
			a.OnStep(s, callErr)
			a.onStepMu.Unlock()
		}
		if jerr != nil {
			out.Err = jerr
			out.NotAttempted = ap.Steps[i:]
			return out, jerr
		}
		if callErr != nil {
			out.Failed = &s
			out.Err = fmt.Errorf("%s %s %s: %s: %w", s.Action, s.Kind, s.Resource, Classify(callErr), callErr)
			out.NotAttempted = ap.Steps[i+1:]
			return out, nil
		}
		out.Done = append(out.Done, s)
	}
	return out, nil
}

// applyStep journals s as pending, makes the call, and journals the
// outcome. The first error is the journal's (fatal), the second the call's.
func (a *Applier) applyStep(ctx context.Context, x *executor, s *Step) (journalErr, callErr error) {
	before, err := encodeSpec(s.Before)
	if err != nil {
		return err, nil
	}
	after, err := encodeSpec(s.After)
	if err != nil {
		return err, nil
	}
	ch, err := a.Recorder.Begin(ctx, store.Change{
		Account: s.Account, Region: s.Region, Kind: string(s.Kind), Resource: s.Resource,
		Action: string(s.Action), Before: before, After: after,
	})
	if err != nil {
		return err, nil
	}
	result, callErr := x.run(ctx, s)
	// The executor may have re-read and re-merged (topic policy): journal
	// what it really replaced.
	if b, err := encodeSpec(s.Before); err == nil {
		ch.Before = b
	}
	if a, err := encodeSpec(s.After); err == nil {
		ch.After = a
	}
	if err := a.Recorder.Finish(ctx, &ch, result, callErr); err != nil {
		return err, callErr
	}
	if callErr == nil && s.Undoes != "" && a.Reverted != nil {
		orig, err := parseRef(s.Undoes)
		if err != nil {
			return err, nil
		}
		if err := a.Reverted.MarkReverted(ctx, &orig, ch.Ref()); err != nil {
			return err, nil
		}
	}
	return nil, callErr
}

// parseRef reads a store.Change Ref ("RUN/SEQ").
func parseRef(ref string) (store.Change, error) {
	i := strings.LastIndexByte(ref, '/')
	if i < 0 {
		return store.Change{}, fmt.Errorf("bad journal reference %q", ref)
	}
	seq, err := strconv.ParseInt(ref[i+1:], 10, 64)
	if err != nil {
		return store.Change{}, fmt.Errorf("bad journal reference %q", ref)
	}
	return store.Change{RunID: ref[:i], Seq: seq}, nil
}

func (a *Applier) sleep(ctx context.Context, d time.Duration) error {
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	return SleepCtx(ctx, d)
}

// SleepCtx waits d, or until ctx is done (its error). It is the default
// wait of Applier and Verifier; tests inject one that does not wait.
func SleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Summary is a per-chain report of a Result, for the terminal.
func (r *Result) Summary() string {
	var b strings.Builder
	for _, o := range r.Outcomes {
		if len(o.Done) == 0 && o.Err == nil {
			continue
		}
		fmt.Fprintf(&b, "Account %s, %s: ", o.Account, o.Region)
		if o.Err == nil {
			fmt.Fprintf(&b, "%d change(s) made.\n", len(o.Done))
			continue
		}
		fmt.Fprintf(&b, "FAILED after %d change(s): %v\n", len(o.Done), o.Err)
		for _, s := range o.Done {
			fmt.Fprintf(&b, "    done:          %s %s %s\n", s.Action, s.Kind, s.Resource)
		}
		if o.Failed != nil {
			fmt.Fprintf(&b, "    failed:        %s %s %s\n", o.Failed.Action, o.Failed.Kind, o.Failed.Resource)
		}
		for _, s := range o.NotAttempted {
			fmt.Fprintf(&b, "    not attempted: %s %s %s\n", s.Action, s.Kind, s.Resource)
		}
		b.WriteString("    The journal records all of this; re-run the same command to resume.\n")
	}
	return b.String()
}
