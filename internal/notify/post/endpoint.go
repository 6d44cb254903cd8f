package post

import (
	"errors"
	"net/http"
	"time"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// Endpoint is the configuration every URL-webhook notifier (Slack, Teams)
// shares: the secret URL, or a file holding it, and a timeout. Notifier
// configs embed it inline, so its keys sit beside their own in YAML.
type Endpoint struct {
	URL     secret.Secret `yaml:"url"`
	URLFile string        `yaml:"url_file"`
	Timeout time.Duration `yaml:"timeout"`
}

// Defaults fills unset fields.
func (e *Endpoint) Defaults() {
	if e.Timeout == 0 {
		e.Timeout = DefaultTimeout
	}
}

// ResolveSecrets reads url_file.
func (e *Endpoint) ResolveSecrets(read secret.ReadFileFunc) error {
	var err error
	e.URL, err = secret.Resolve("url", e.URL, e.URLFile, read)
	e.URLFile = ""
	return err
}

// Validate reports the first thing wrong with e.
func (e Endpoint) Validate() error {
	if err := ValidateURL("url", e.URL); err != nil {
		return err
	}
	if e.Timeout < 0 {
		return errors.New("timeout must not be negative")
	}
	return nil
}

// Client posts to the endpoint within its timeout, over base's transport
// when one is given (tests pass a loopback transport).
func (e Endpoint) Client(base *http.Client) *Client {
	hc := &http.Client{Timeout: e.Timeout}
	if base != nil {
		hc.Transport = base.Transport
	}
	return New(hc)
}
