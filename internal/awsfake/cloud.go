package awsfake

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

// Cloud is the whole fake: every account, the organization, faults.
type Cloud struct {
	mu sync.Mutex

	// Latency is added to every call (benchmarks over a "slow" AWS).
	Latency time.Duration
	// PageSize caps every paginated response; 0 means 50.
	PageSize int
	// Partition is used in every ARN; empty means "aws".
	Partition string

	Accounts map[string]*Account
	// Org is nil when the accounts are not in an organization.
	Org *Organization

	faults   []*fault
	sessions map[string]string // access key ID -> account ID
	calls    map[string]int    // IAM action -> calls
	nextKey  int
	// findings are the Security Hub findings imported, per
	// "account/region", by finding Id.
	findings map[string]map[string]shtypes.AwsSecurityFinding
}

// Organization is an AWS Organizations organization.
type Organization struct {
	ID                string
	ManagementAccount string
	// Parent places accounts and OUs (child ID -> OU or root ID); a child
	// not in it sits under Root().
	Parent map[string]string
}

// Root is the organization's root ID.
func (o *Organization) Root() string { return "r-" + strings.TrimPrefix(o.ID, "o-") }

// New returns an empty cloud.
func New() *Cloud {
	return &Cloud{Accounts: map[string]*Account{}, sessions: map[string]string{}, calls: map[string]int{}}
}

func (c *Cloud) partition() string {
	if c.Partition == "" {
		return "aws"
	}
	return c.Partition
}

func (c *Cloud) pageSize() int {
	if c.PageSize <= 0 {
		return 50
	}
	return c.PageSize
}

type fault struct {
	account, action, region string
	kind                    string // "deny" or "throttle"
	remaining               int    // throttles left; <0 forever
}

// Deny makes every call to action (an IAM action such as
// "cloudtrail:GetTrailStatus") in account fail as access denied. An empty
// account denies it everywhere.
func (c *Cloud) Deny(account, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, &fault{account: account, action: action, kind: "deny"})
}

// DenyIn is Deny limited to one region.
func (c *Cloud) DenyIn(account, region, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, &fault{account: account, region: region, action: action, kind: "deny"})
}

// Throttle makes the next n calls to action in account fail with the
// service's throttling error; n < 0 throttles forever.
func (c *Cloud) Throttle(account, action string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, &fault{account: account, action: action, kind: "throttle", remaining: n})
}

// Calls returns how many times action was called (denied and throttled
// calls included).
func (c *Cloud) Calls(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[action]
}

// call is the entry of every fake API method: it waits the injected
// latency, counts the call and applies faults. It must be called without
// c.mu held.
func (c *Cloud) call(ctx context.Context, account, region, action string) error {
	if c.Latency > 0 {
		t := time.NewTimer(c.Latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[action]++
	if account == "" {
		return apiError("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	for _, f := range c.faults {
		if (f.account != "" && f.account != account) || f.action != action || (f.region != "" && f.region != region) {
			continue
		}
		switch f.kind {
		case "deny":
			return deniedError(account, action)
		case "throttle":
			if f.remaining == 0 {
				continue
			}
			if f.remaining > 0 {
				f.remaining--
			}
			return throttleError(action)
		}
	}
	return nil
}

func service(action string) string {
	s, _, _ := strings.Cut(action, ":")
	return s
}

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// deniedError uses the code each service really returns.
func deniedError(account, action string) error {
	msg := fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/auditor/session is not authorized to perform: %s", account, action)
	switch service(action) {
	case "sns":
		return apiError("AuthorizationError", msg)
	case "cloudwatch", "sts":
		return apiError("AccessDenied", msg)
	case "ec2":
		return apiError("UnauthorizedOperation", "You are not authorized to perform this operation.")
	default:
		return apiError("AccessDeniedException", msg)
	}
}

func throttleError(action string) error {
	switch service(action) {
	case "cloudwatch", "sns", "sts":
		return apiError("Throttling", "Rate exceeded")
	case "ec2":
		return apiError("RequestLimitExceeded", "Request limit exceeded.")
	default:
		return apiError("ThrottlingException", "Rate exceeded")
	}
}

// page returns the slice of n items for token and the next token.
func (c *Cloud) page(n int, token *string, limit int) (lo, hi int, next *string, err error) {
	size := c.pageSize()
	if limit > 0 && limit < size {
		size = limit
	}
	if token != nil && *token != "" {
		if _, err := fmt.Sscanf(*token, "page-%d", &lo); err != nil || lo < 0 || lo > n {
			return 0, 0, nil, apiError("InvalidNextTokenException", "The specified token is invalid.")
		}
	}
	hi = min(lo+size, n)
	if hi < n {
		s := fmt.Sprintf("page-%d", hi)
		next = &s
	}
	return lo, hi, next, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
