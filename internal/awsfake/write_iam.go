package awsfake

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// IAMRole is a role created through the fake IAM client.
type IAMRole struct {
	Name, ARN   string
	TrustPolicy string
	// Policies are the inline policies by name.
	Policies map[string]string
	Tags     map[string]string
}

// IAM is the fake IAM client of one account (IAM is global).
type IAM struct {
	c       *Cloud
	account string
}

// IAMClient returns the account's IAM client.
func (k Conn) IAMClient() *IAM { return &IAM{k.c, k.account} }

func (x *IAM) role(a *Account, name string) (*IAMRole, error) {
	r, ok := a.IAMRoles[name]
	if !ok {
		return nil, apiError("NoSuchEntity", fmt.Sprintf("The role with name %s cannot be found.", name))
	}
	return r, nil
}

// CreateRole creates a role; an existing name is EntityAlreadyExists.
func (x *IAM) CreateRole(ctx context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	if err := x.c.call(ctx, x.account, "", "iam:CreateRole"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if name == "" || !json.Valid([]byte(aws.ToString(in.AssumeRolePolicyDocument))) {
		return nil, apiError("MalformedPolicyDocument", "The role name and a JSON trust policy are required")
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	if a.IAMRoles == nil {
		a.IAMRoles = map[string]*IAMRole{}
	}
	if _, ok := a.IAMRoles[name]; ok || a.Roles[name] {
		return nil, apiError("EntityAlreadyExists", fmt.Sprintf("Role with name %s already exists.", name))
	}
	r := &IAMRole{Name: name, ARN: fmt.Sprintf("arn:%s:iam::%s:role/%s", x.c.partition(), x.account, name),
		TrustPolicy: aws.ToString(in.AssumeRolePolicyDocument), Policies: map[string]string{}, Tags: map[string]string{}}
	for _, t := range in.Tags {
		r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	a.IAMRoles[name] = r
	return &iam.CreateRoleOutput{Role: &iamtypes.Role{RoleName: aws.String(name), Arn: aws.String(r.ARN)}}, nil
}

// PutRolePolicy sets an inline policy.
func (x *IAM) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	if err := x.c.call(ctx, x.account, "", "iam:PutRolePolicy"); err != nil {
		return nil, err
	}
	if !json.Valid([]byte(aws.ToString(in.PolicyDocument))) {
		return nil, apiError("MalformedPolicyDocument", "Syntax errors in policy.")
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	r, err := x.role(a, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	r.Policies[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
	return &iam.PutRolePolicyOutput{}, nil
}

// DeleteRolePolicy deletes an inline policy.
func (x *IAM) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	if err := x.c.call(ctx, x.account, "", "iam:DeleteRolePolicy"); err != nil {
		return nil, err
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	r, err := x.role(a, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if _, ok := r.Policies[aws.ToString(in.PolicyName)]; !ok {
		return nil, apiError("NoSuchEntity", "The role policy with name "+aws.ToString(in.PolicyName)+" cannot be found.")
	}
	delete(r.Policies, aws.ToString(in.PolicyName))
	return &iam.DeleteRolePolicyOutput{}, nil
}

// DeleteRole deletes a role that has no inline policies left
// (DeleteConflict otherwise, as in IAM).
func (x *IAM) DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	if err := x.c.call(ctx, x.account, "", "iam:DeleteRole"); err != nil {
		return nil, err
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	r, err := x.role(a, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if len(r.Policies) > 0 {
		return nil, apiError("DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	delete(a.IAMRoles, r.Name)
	return &iam.DeleteRoleOutput{}, nil
}

// RoleOf returns a copy of a role created through IAM, for tests.
func (c *Cloud) RoleOf(account, name string) (IAMRole, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.Accounts[account]
	if !ok || a.IAMRoles[name] == nil {
		return IAMRole{}, false
	}
	r := *a.IAMRoles[name]
	r.Policies, r.Tags = maps.Clone(r.Policies), maps.Clone(r.Tags)
	return r, true
}
