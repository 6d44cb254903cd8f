package awsemu_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
)

// benchCloud is an organization of 10 accounts, each with its own chain,
// read in every default region.
func benchCloud() *awsfake.Cloud {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	c.SetOrganization("o-bench", mgmt)
	c.AddCISChain(mgmt, home, true)
	for i := range 9 {
		id := "2000000000" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		c.AddAccount(id, "member")
		c.AddCISChain(id, home, false)
	}
	return c
}

// The pair below measures what the wire costs: the same organization
// collected through the SDK over loopback HTTP (signing, serialisation,
// the emulator's decoding) and through the in-process fake.
func BenchmarkCollectOrgOverWire(b *testing.B) {
	ctx := context.Background()
	c := benchCloud()
	url := start(b, awsemu.New(c))
	d := awsread.NewSDKDialer(config(url, "AKIA"+mgmt))
	b.ResetTimer()
	for b.Loop() {
		if _, err := awsread.Collect(ctx, d, awsread.Options{Org: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCollectOrgInProcess(b *testing.B) {
	ctx := context.Background()
	c := benchCloud()
	d := c.Dialer(mgmt)
	b.ResetTimer()
	for b.Loop() {
		if _, err := awsread.Collect(ctx, d, awsread.Options{Org: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCollectOverWireEqualsInProcess: the collector reads the same
// snapshot of an organization through the SDK over the wire as through
// the in-process fake: nothing is lost or changed in serialisation.
func TestCollectOverWireEqualsInProcess(t *testing.T) {
	ctx := context.Background()
	c := benchCloud()
	c.PageSize = 2
	url := start(t, awsemu.New(c))
	o := awsread.Options{Org: true, Now: func() time.Time { return someTime }}
	wire, err := awsread.Collect(ctx, awsread.NewSDKDialer(config(url, "AKIA"+mgmt)), o)
	if err != nil {
		t.Fatal(err)
	}
	local, err := awsread.Collect(ctx, c.Dialer(mgmt), o)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(local, wire, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("snapshot over the wire differs (-in process +wire):\n%s", d)
	}
}
