package awsread

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// maxOUDepth bounds the walk to the root: Organizations nests OUs at most
// five deep under the root, so a longer chain is a loop in a broken
// answer, not an organization.
const maxOUDepth = 8

// readOUs fills each account's OUs (root first). Parents are shared, so
// each OU's parent is asked once per collection; a failure leaves the
// account's OUs unknown (OUsError), never a shorter path.
func readOUs(ctx context.Context, org OrganizationsAPI, r Retry, accounts []inventory.Account) {
	parent := map[string]string{} // child -> parent, "" for the root
	cached := map[string]*inventory.ReadError{}
	lookup := func(child string) (string, *inventory.ReadError) {
		if p, ok := parent[child]; ok {
			return p, nil
		}
		if re, ok := cached[child]; ok {
			return "", re
		}
		p, err := listParent(ctx, org, r, child)
		if err != nil {
			cached[child] = readErr(err)
			return "", cached[child]
		}
		parent[child] = p
		return p, nil
	}
	for i := range accounts {
		a := &accounts[i]
		var path []string
		for child := a.ID; ; {
			p, re := lookup(child)
			if re != nil {
				a.OUsError, path = re, nil
				break
			}
			if p == "" {
				break
			}
			if len(path) == maxOUDepth || slices.Contains(path, p) {
				a.OUsError, path = &inventory.ReadError{Action: "organizations:ListParents", Kind: inventory.Failed,
					Message: fmt.Sprintf("no root within %d levels above %s", maxOUDepth, a.ID)}, nil
				break
			}
			path = append(path, p)
			if isRoot(p) {
				break
			}
			child = p
		}
		slices.Reverse(path)
		a.OUs = path
	}
}

// listParent returns child's parent; every child has exactly one, and the
// root has none ("").
func listParent(ctx context.Context, org OrganizationsAPI, r Retry, child string) (string, error) {
	if isRoot(child) {
		return "", nil
	}
	out, err := do(ctx, r, "organizations:ListParents", func(ctx context.Context) (*organizations.ListParentsOutput, error) {
		return org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
	})
	if err != nil {
		return "", err
	}
	if len(out.Parents) != 1 || aws.ToString(out.Parents[0].Id) == "" {
		return "", &inventory.ReadError{Action: "organizations:ListParents", Kind: inventory.Failed,
			Message: fmt.Sprintf("%s has %d parents, want 1", child, len(out.Parents))}
	}
	p := out.Parents[0]
	if p.Type == orgtypes.ParentTypeRoot && !isRoot(aws.ToString(p.Id)) {
		return "", &inventory.ReadError{Action: "organizations:ListParents", Kind: inventory.Failed,
			Message: fmt.Sprintf("root of %s has ID %q, want r-...", child, aws.ToString(p.Id))}
	}
	return aws.ToString(p.Id), nil
}

// isRoot reports whether id names an organization root (r-xxxx).
func isRoot(id string) bool { return len(id) > 2 && id[:2] == "r-" }
