// Package email sends alerts over SMTP: STARTTLS (required, never
// silently skipped) or implicit TLS, AUTH PLAIN or LOGIN, and a plain-text
// body with every detail and the full events.
package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// Deps are the notifier's outside world.
type Deps struct {
	Now func() time.Time
	// ReadFile loads CAFile; os.ReadFile when nil.
	ReadFile func(string) ([]byte, error)
	// Dial opens the TCP connection; a net.Dialer when nil.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Notifier sends to one relay and recipient list.
type Notifier struct {
	cfg  Config
	tls  *tls.Config
	now  func() time.Time
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns the notifier.
func New(cfg Config, deps Deps) (*Notifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		read := deps.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		pem, err := read(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("email: ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("email: ca_file %s holds no PEM certificate", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	n := &Notifier{cfg: cfg, tls: tc, now: deps.Now, dial: deps.Dial}
	if n.now == nil {
		n.now = time.Now
	}
	if n.dial == nil {
		d := &net.Dialer{Timeout: cfg.Timeout}
		n.dial = d.DialContext
	}
	return n, nil
}

// Notify sends a to every recipient in one message.
func (n *Notifier) Notify(ctx context.Context, a alert.Alert) error {
	if err := n.send(ctx, a); err != nil {
		pw := n.cfg.Password.Reveal()
		// A relay may echo the AUTH line, which carries the password in
		// base64 (PLAIN: NUL user NUL password; LOGIN: the password alone).
		return classify(scrub(fmt.Errorf("email via %s: %w", n.cfg.addr(), err), pw,
			base64.StdEncoding.EncodeToString([]byte("\x00"+n.cfg.Username+"\x00"+pw))))
	}
	return nil
}

// scrubbedError hides a secret that a server quoted back in its reply
// (some relays echo the failed AUTH line) while keeping the chain for
// errors.As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func scrub(err error, secrets ...string) error {
	msg := secret.Scrub(err.Error(), secrets...) // pieces and base64 of the password too
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

func (n *Notifier) send(ctx context.Context, a alert.Alert) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	conn, err := n.dial(ctx, "tcp", n.cfg.addr())
	if err != nil {
		return err
	}
	// The SMTP client has no context; a deadline on the connection bounds
	// every command, and closing it on cancel unblocks a stuck read.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	var c *smtp.Client
	switch n.cfg.TLS {
	case TLSImplicit:
		tc := tls.Client(conn, n.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return fmt.Errorf("TLS handshake: %w", err)
		}
		c = smtp.NewClient(tc)
	case TLSStartTLS:
		// go-smtp greets as "localhost" before STARTTLS; HelloName is
		// used for the EHLO on the encrypted connection.
		c, err = smtp.NewClientStartTLS(conn, n.tls)
		if err != nil {
			_ = conn.Close()
			if strings.Contains(err.Error(), "doesn't support STARTTLS") {
				return errNoStartTLS
			}
			return fmt.Errorf("STARTTLS: %w", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer func() { _ = c.Close() }() // after Quit this only reports the closed connection
	if err := c.Hello(n.cfg.HelloName); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if n.cfg.Username != "" {
		mech, err := n.mechanism(c)
		if err != nil {
			return err
		}
		if err := c.Auth(mech); err != nil {
			return fmt.Errorf("AUTH as %s: %w", n.cfg.Username, err)
		}
	}
	msg, err := Message(n.cfg, a, n.now())
	if err != nil {
		return err
	}
	from, _ := parseAddr(n.cfg.From)
	if err := c.Mail(from, nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, to := range n.cfg.To {
		addr, _ := parseAddr(to)
		if err := c.Rcpt(addr, nil); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", addr, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return c.Quit()
}

var errNoStartTLS = errors.New("server does not offer STARTTLS; refusing to send in clear (set tls: tls for port 465)")

// mechanism picks the configured SASL mechanism, or PLAIN then LOGIN.
func (n *Notifier) mechanism(c *smtp.Client) (sasl.Client, error) {
	plain := sasl.NewPlainClient("", n.cfg.Username, n.cfg.Password.Reveal())
	login := &loginClient{n.cfg.Username, n.cfg.Password.Reveal()}
	switch n.cfg.Auth {
	case AuthPlain:
		return plain, nil
	case AuthLogin:
		return login, nil
	}
	switch {
	case c.SupportsAuth("PLAIN"):
		return plain, nil
	case c.SupportsAuth("LOGIN"):
		return login, nil
	}
	return nil, errAuthUnsupported
}

var errAuthUnsupported = errors.New("server offers neither AUTH PLAIN nor AUTH LOGIN")

// classify: SMTP 4yz replies are transient by definition (RFC 5321
// §4.2.1), 5yz permanent; a server that will not do TLS or our auth needs
// a person; network failures are retried.
func classify(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		if se.Code >= 400 && se.Code < 500 {
			return notify.Temporary(err)
		}
		return notify.Permanent(err)
	}
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.Is(err, errNoStartTLS) || errors.Is(err, errAuthUnsupported) ||
		errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) {
		return notify.Permanent(err)
	}
	return notify.Temporary(err)
}
