package email

import (
	"bytes"
	"errors"

	"github.com/emersion/go-sasl"
)

// loginClient is AUTH LOGIN the way deployed servers (Exchange, Office 365,
// many relays) speak it: no initial response, then a "Username:" and a
// "Password:" challenge. go-sasl's client sends the username up front and
// fails on servers that ask for it.
type loginClient struct {
	username, password string
}

var _ sasl.Client = (*loginClient)(nil)

func (c *loginClient) Start() (string, []byte, error) { return sasl.Login, nil, nil }

func (c *loginClient) Next(challenge []byte) ([]byte, error) {
	switch ch := bytes.ToLower(challenge); {
	case bytes.HasPrefix(ch, []byte("username")):
		return []byte(c.username), nil
	case bytes.HasPrefix(ch, []byte("password")):
		return []byte(c.password), nil
	}
	return nil, errors.New("AUTH LOGIN: unexpected server challenge")
}
