package cli

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
)

// TestHostileWatchCorrectSignsJournal: the rows `watch --correct` journals
// are signed with the key `fix` uses, so backout can tell them from a row
// forged into a shared store (issue 13). Unsigned, they were refused by
// backout like a forgery, or, checked with no key, trusted like one.
func TestHostileWatchCorrectSignsJournal(t *testing.T) {
	ctx := context.Background()
	e := newFixEnv(t)
	f := e.factory(nil, nil)
	st, err := store.Open(ctx, e.store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	noAWS := func(context.Context, string) (aws.Config, error) {
		return aws.Config{}, errors.New("no AWS in this test")
	}
	ao, err := watchAudit(ctx, config.File{}, &config.Audit{Every: time.Hour, Correct: "always"}, st, noAWS, f.Now,
		slog.New(slog.DiscardHandler), func() ([]byte, error) { return journalKey(f) })
	if err != nil {
		t.Fatal(err)
	}
	eng, ok := ao.Corrector.(*fixEngine)
	if !ok {
		t.Fatalf("corrector is %T", ao.Corrector)
	}
	sub, err := fix.ParseSubscribe(fixQueue)
	if err != nil {
		t.Fatal(err)
	}
	eng.opts.Endpoints = []fix.Endpoint{sub}
	eng.read = func(context.Context) (awsread.Dialer, error) { return e.c.Dialer(fixAccount), nil }
	eng.write = func(context.Context, string, string, string) (fix.Dialer, error) { return e.c.WriteDialer(), nil }
	eng.collect = awsread.Options{Regions: []string{fixRegion}, Retry: fastRetry}
	e.breakChain()
	results, err := eng.Audit(ctx)
	if err != nil || len(results) != 1 {
		t.Fatalf("audit: %+v, %v", results, err)
	}
	_, plan, err := eng.Plan(ctx, results[0])
	if err != nil {
		t.Fatal(err)
	}
	if res, err := eng.Apply(ctx, fixAccount, plan); err != nil {
		t.Fatalf("apply: %v (%s)", err, res)
	}

	key, err := store.ParseJournalKey(testJournalKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		key  []byte
		want store.Auth
	}{
		{"fix's key", key, store.AuthValid},
		{"another key", []byte(strings.Repeat("k", store.JournalKeySize)), store.AuthInvalid},
	} {
		j, err := store.OpenSignedJournal(ctx, st, f.Now, tt.key)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := j.Changes(ctx, store.ChangeQuery{})
		if err != nil || len(changes) == 0 {
			t.Fatalf("%s: %d changes, %v", tt.name, len(changes), err)
		}
		for _, c := range changes {
			if c.Command != "watch --correct" || c.Auth != tt.want {
				t.Errorf("%s: change %s by %q is %s, want %s", tt.name, c.Ref(), c.Command, c.Auth, tt.want)
			}
		}
	}
}

// A key that cannot be read stops watch from starting with correction on,
// as it stops fix: an unsigned journal is never written.
func TestWatchCorrectNeedsJournalKey(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, newFixEnv(t).store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	noKey := func() ([]byte, error) { return nil, errors.New("journal key: no such file") }
	_, err = watchAudit(ctx, config.File{}, &config.Audit{Every: time.Hour, Correct: "always"}, st, nil, time.Now,
		slog.New(slog.DiscardHandler), noKey)
	if err == nil || !strings.Contains(err.Error(), "journal key") {
		t.Fatalf("err = %v, want the key error", err)
	}
	if _, err := watchAudit(ctx, config.File{}, &config.Audit{Every: time.Hour}, st, nil, time.Now,
		slog.New(slog.DiscardHandler), noKey); err != nil {
		t.Errorf("audit without correction needs no key: %v", err)
	}
}

// A policy that names an OU needs the organization read: without --org
// it is a usage error, not a rule that silently never matches.
func TestWatchOUPolicyNeedsOrg(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, newFixEnv(t).store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := func() ([]byte, error) { return make([]byte, 32), nil }
	a := func(org bool) *config.Audit {
		return &config.Audit{Every: time.Hour, Org: org,
			Accounts: []config.AccountPolicy{{Match: []string{"ou-ab12-11111111"}, DefaultAction: "skip"}}}
	}
	_, err = watchAudit(ctx, config.File{}, a(false), st, nil, time.Now, slog.New(slog.DiscardHandler), key)
	if err == nil || !strings.Contains(err.Error(), "need --org") || exitcode.From(err) != exitcode.Usage {
		t.Fatalf("err = %v, want a usage error naming --org", err)
	}
	if _, err := watchAudit(ctx, config.File{}, a(true), st, nil, time.Now, slog.New(slog.DiscardHandler), key); err != nil {
		t.Errorf("with --org: %v", err)
	}
}
