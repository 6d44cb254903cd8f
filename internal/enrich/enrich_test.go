package enrich

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/alert"
)

type fakeIAM struct {
	aliases []string
	err     error
	calls   atomic.Int32
}

func (f *fakeIAM) ListAccountAliases(context.Context, *iam.ListAccountAliasesInput, ...func(*iam.Options)) (*iam.ListAccountAliasesOutput, error) {
	f.calls.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	return &iam.ListAccountAliasesOutput{AccountAliases: f.aliases}, nil
}

type fakeOrg struct {
	names map[string]string
	calls atomic.Int32
}

func (f *fakeOrg) DescribeAccount(_ context.Context, in *organizations.DescribeAccountInput, _ ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error) {
	f.calls.Add(1)
	n, ok := f.names[*in.AccountId]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "AccountNotFoundException", Message: "no such account"}
	}
	return &organizations.DescribeAccountOutput{Account: &orgtypes.Account{Id: in.AccountId, Name: aws.String(n)}}, nil
}

type fakeSTS struct{ account string }

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String(f.account)}, nil
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestEnrich(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	ia := &fakeIAM{aliases: []string{"prod-payments"}}
	org := &fakeOrg{names: map[string]string{"111111111111": "Payments Prod", "222222222222": "Sandbox"}}
	e := New(Options{Alias: ia, Org: org, Identity: fakeSTS{"111111111111"}, Now: c.now})

	tests := []struct {
		account, wantAlias, wantName string
	}{
		{"111111111111", "prod-payments", "Payments Prod"},
		{"222222222222", "", "Sandbox"}, // IAM only knows our own alias
		{"333333333333", "", ""},        // not in the organization: no name, no failure
	}
	for _, tc := range tests {
		a := alert.Alert{Account: tc.account}
		e.Enrich(ctx, &a)
		if a.AccountAlias != tc.wantAlias || a.AccountName != tc.wantName {
			t.Errorf("%s: alias %q name %q, want %q %q", tc.account, a.AccountAlias, a.AccountName, tc.wantAlias, tc.wantName)
		}
	}
	// Cached: a second round makes no calls.
	before := ia.calls.Load() + org.calls.Load()
	for _, tc := range tests {
		a := alert.Alert{Account: tc.account}
		e.Enrich(ctx, &a)
	}
	if after := ia.calls.Load() + org.calls.Load(); after != before {
		t.Errorf("cache missed: %d calls, want %d", after, before)
	}
	// After the TTL, look again.
	c.t = c.t.Add(2 * time.Hour)
	a := alert.Alert{Account: "111111111111"}
	e.Enrich(ctx, &a)
	if ia.calls.Load() != 2 {
		t.Errorf("alias calls after TTL = %d, want 2", ia.calls.Load())
	}
}

func TestEnrichFailureIsNotFatalAndBacksOff(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	ia := &fakeIAM{err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not allowed"}}
	e := New(Options{Alias: ia, Now: c.now})
	a := alert.Alert{Account: "111111111111", AccountAlias: ""}
	e.Enrich(ctx, &a)
	e.Enrich(ctx, &a)
	if a.AccountAlias != "" {
		t.Errorf("alias = %q after a denied look-up", a.AccountAlias)
	}
	if ia.calls.Load() != 1 {
		t.Errorf("calls = %d: a failure must be cached for FailTTL", ia.calls.Load())
	}
	c.t = c.t.Add(6 * time.Minute)
	ia.err = nil
	ia.aliases = []string{"back"}
	e.Enrich(ctx, &a)
	if a.AccountAlias != "back" {
		t.Errorf("alias = %q after FailTTL, want back", a.AccountAlias)
	}
}

func TestEnrichKeepsWhatIsSet(t *testing.T) {
	e := New(Options{Alias: &fakeIAM{err: errors.New("must not be called")}})
	a := alert.Alert{Account: "1", AccountAlias: "given", AccountName: "named"}
	e.Enrich(context.Background(), &a)
	if a.AccountAlias != "given" || a.AccountName != "named" {
		t.Errorf("overwrote set fields: %+v", a)
	}
}
