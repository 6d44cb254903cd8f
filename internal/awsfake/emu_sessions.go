package awsfake

import "context"

// SessionAccount returns the account a session created by AssumeRole acts
// in, so a wire-protocol front end (internal/awsemu) can resolve the
// temporary access key a client signs with.
func (c *Cloud) SessionAccount(accessKeyID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.sessions[accessKeyID]
	return id, ok
}

// Allow lifts the Deny and DenyIn faults on action in account, so a test
// can show that a re-run resumes once the permission is granted.
func (c *Cloud) Allow(account, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := c.faults[:0]
	for _, f := range c.faults {
		if f.kind == "deny" && f.account == account && f.action == action {
			continue
		}
		kept = append(kept, f)
	}
	c.faults = kept
}

// Allowed applies the Deny and Throttle faults to a call the fake does
// not model itself (the emulator's LookupEvents), so it fails the same way.
func (c *Cloud) Allowed(account, region, action string) error {
	return c.call(context.Background(), account, region, action)
}
