// Package enrich adds what a person needs to recognise an account to an
// alert: the account alias (iam:ListAccountAliases, which only answers for
// the caller's own account) and, across an organization, the account name
// (organizations:DescribeAccount, from the management account or a
// delegated administrator). Look-ups are cached, failures are cached for
// a shorter time, and enrichment never blocks or fails an alert: an alert
// without an alias still names the account ID.
package enrich

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// AliasAPI is the IAM call behind account aliases.
type AliasAPI interface {
	ListAccountAliases(ctx context.Context, in *iam.ListAccountAliasesInput, opts ...func(*iam.Options)) (*iam.ListAccountAliasesOutput, error)
}

// OrgAPI is the Organizations call behind account names.
type OrgAPI interface {
	DescribeAccount(ctx context.Context, in *organizations.DescribeAccountInput, opts ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error)
}

// IdentityAPI tells which account our credentials belong to.
type IdentityAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var (
	_ AliasAPI    = (*iam.Client)(nil)
	_ OrgAPI      = (*organizations.Client)(nil)
	_ IdentityAPI = (*sts.Client)(nil)
)

// Options configure an Enricher. Nil APIs turn that look-up off.
type Options struct {
	Alias    AliasAPI
	Org      OrgAPI
	Identity IdentityAPI
	TTL      time.Duration // default 1h
	// FailTTL is how long a failed look-up is not retried (default 5m).
	FailTTL time.Duration
	// Timeout bounds each look-up so enrichment cannot delay an alert
	// (default 2s).
	Timeout time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Enricher is safe for concurrent use.
type Enricher struct {
	o Options

	mu      sync.Mutex
	self    entry
	aliases map[string]entry // account -> alias
	names   map[string]entry // account -> organization account name
}

type entry struct {
	value   string
	expires time.Time
	ok      bool
}

// New returns an Enricher.
func New(o Options) *Enricher {
	if o.TTL == 0 {
		o.TTL = time.Hour
	}
	if o.FailTTL == 0 {
		o.FailTTL = 5 * time.Minute
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Enricher{o: o, aliases: map[string]entry{}, names: map[string]entry{}}
}

// Enrich fills AccountAlias and AccountName of a when they are empty and
// can be found.
func (e *Enricher) Enrich(ctx context.Context, a *alert.Alert) {
	if a.Account == "" {
		return
	}
	if a.AccountAlias == "" {
		a.AccountAlias = e.Alias(ctx, a.Account)
	}
	if a.AccountName == "" {
		a.AccountName = e.Name(ctx, a.Account)
	}
}

// Alias returns the alias of account, or "" when it has none or it cannot
// be looked up (IAM only answers for our own account).
func (e *Enricher) Alias(ctx context.Context, account string) string {
	if e.o.Alias == nil {
		return ""
	}
	if self := e.selfAccount(ctx); self != "" && self != account {
		return ""
	}
	return e.cached(ctx, e.aliases, account, func(ctx context.Context) (string, error) {
		out, err := e.o.Alias.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
		if err != nil {
			return "", fmt.Errorf("iam:ListAccountAliases: %w", err)
		}
		if len(out.AccountAliases) == 0 {
			return "", nil
		}
		return out.AccountAliases[0], nil
	})
}

// Name returns the organization's name for account, or "".
func (e *Enricher) Name(ctx context.Context, account string) string {
	if e.o.Org == nil {
		return ""
	}
	return e.cached(ctx, e.names, account, func(ctx context.Context) (string, error) {
		out, err := e.o.Org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: &account})
		if err != nil {
			return "", fmt.Errorf("organizations:DescribeAccount %s: %w", account, err)
		}
		if out.Account == nil || out.Account.Name == nil {
			return "", nil
		}
		return *out.Account.Name, nil
	})
}

func (e *Enricher) selfAccount(ctx context.Context) string {
	if e.o.Identity == nil {
		return ""
	}
	e.mu.Lock()
	self := e.self
	e.mu.Unlock()
	if self.expires.After(e.o.Now()) {
		return self.value
	}
	ctx, cancel := context.WithTimeout(ctx, e.o.Timeout)
	defer cancel()
	out, err := e.o.Identity.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	next := entry{expires: e.o.Now().Add(e.o.TTL), ok: true}
	if err != nil || out.Account == nil {
		e.o.Logger.Warn("cannot tell our own account; aliases are looked up for every account", "error", err)
		next = entry{expires: e.o.Now().Add(e.o.FailTTL)}
	} else {
		next.value = *out.Account
	}
	e.mu.Lock()
	e.self = next
	e.mu.Unlock()
	return next.value
}

// cached answers from cache, else runs look and caches its answer (or its
// failure, for FailTTL). Concurrent misses may both look; that is cheaper
// than holding a lock across an API call.
func (e *Enricher) cached(ctx context.Context, m map[string]entry, key string, look func(context.Context) (string, error)) string {
	now := e.o.Now()
	e.mu.Lock()
	if en, ok := m[key]; ok && en.expires.After(now) {
		e.mu.Unlock()
		return en.value
	}
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, e.o.Timeout)
	defer cancel()
	v, err := look(ctx)
	en := entry{value: v, expires: now.Add(e.o.TTL), ok: true}
	if err != nil {
		e.o.Logger.Warn("enrichment look-up failed; alerts name the account ID only", "account", key, "error", err)
		en = entry{expires: now.Add(e.o.FailTTL)}
	}
	e.mu.Lock()
	m[key] = en
	e.mu.Unlock()
	return en.value
}
