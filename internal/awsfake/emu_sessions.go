package awsfake

// SessionAccount returns the account a session created by AssumeRole acts
// in, so a wire-protocol front end (internal/awsemu) can resolve the
// temporary access key a client signs with.
func (c *Cloud) SessionAccount(accessKeyID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.sessions[accessKeyID]
	return id, ok
}
