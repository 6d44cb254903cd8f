package awsread_test

import (
	"slices"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

func TestCollectReadsOUs(t *testing.T) {
	const (
		ouProd  = "ou-xmpl-11111111"
		ouWeb   = "ou-xmpl-22222222"
		another = "555555555555"
	)
	for _, tt := range []struct {
		name  string
		setup func(*awsfake.Cloud)
		ous   bool
		check func(t *testing.T, s *inventory.Snapshot, c *awsfake.Cloud)
	}{
		{"not asked: no calls", nil, false, func(t *testing.T, s *inventory.Snapshot, c *awsfake.Cloud) {
			if n := c.Calls("organizations:ListParents"); n != 0 {
				t.Errorf("ListParents called %d times without OUs", n)
			}
			if got := s.Account(member); got.OUs != nil || got.OUsError != nil {
				t.Errorf("OUs read without being asked: %+v", got)
			}
		}},
		{"nested OUs, root first, each parent asked once", nil, true, func(t *testing.T, s *inventory.Snapshot, c *awsfake.Cloud) {
			for id, want := range map[string][]string{
				mgmt:    {"r-example"},
				member:  {"r-example", ouProd, ouWeb},
				another: {"r-example", ouProd, ouWeb},
			} {
				if got := s.Account(id); got.OUsError != nil || !slices.Equal(got.OUs, want) {
					t.Errorf("%s: OUs = %v (%v), want %v", id, got.OUs, got.OUsError, want)
				}
			}
			// 3 accounts + 2 OUs; the shared OUs are not asked twice.
			if n := c.Calls("organizations:ListParents"); n != 5 {
				t.Errorf("ListParents called %d times, want 5", n)
			}
		}},
		{"denied: unknown, never a shorter path", func(c *awsfake.Cloud) {
			c.Deny(mgmt, "organizations:ListParents")
		}, true, func(t *testing.T, s *inventory.Snapshot, _ *awsfake.Cloud) {
			got := s.Account(member)
			if got.OUs != nil || got.OUsError == nil || got.OUsError.Kind != inventory.Denied || got.OUsError.Action != "organizations:ListParents" {
				t.Errorf("OUs = %v, error = %+v; want unknown, denied organizations:ListParents", got.OUs, got.OUsError)
			}
		}},
		{"a loop in the answers: unknown", func(c *awsfake.Cloud) {
			c.PlaceInOU(ouProd, ouWeb)
		}, true, func(t *testing.T, s *inventory.Snapshot, _ *awsfake.Cloud) {
			if got := s.Account(member); got.OUs != nil || got.OUsError == nil {
				t.Errorf("OUs = %v, error = %v; want unknown", got.OUs, got.OUsError)
			}
			if got := s.Account(mgmt); !slices.Equal(got.OUs, []string{"r-example"}) {
				t.Errorf("management account OUs = %v; the loop elsewhere must not spoil it", got.OUs)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := awsfake.New()
			c.AddAccount(mgmt, "management")
			c.AddAccount(member, "workload")
			c.AddAccount(another, "web-2")
			c.SetOrganization("o-example", mgmt)
			c.PlaceInOU(ouProd, "r-example")
			c.PlaceInOU(ouWeb, ouProd)
			c.PlaceInOU(member, ouWeb)
			c.PlaceInOU(another, ouWeb)
			if tt.setup != nil {
				tt.setup(c)
			}
			s := collect(t, c.Dialer(mgmt), awsread.Options{Org: true, OUs: tt.ous, Regions: []string{home}})
			tt.check(t, s, c)
		})
	}
}
