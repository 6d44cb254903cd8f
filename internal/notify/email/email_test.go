package email

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func config(ms *mailServer) Config {
	h, p := ms.host()
	return Config{
		Host: h, Port: p, From: "rootwatch <" + user + ">", To: []string{"sec@example.com", "Oncall <oncall@example.com>"},
		Username: user, Password: password, CAFile: ms.caFile, HelloName: "rootwatch.test",
	}
}

func send(t *testing.T, cfg Config) error {
	t.Helper()
	n, err := New(cfg, Deps{Now: func() time.Time { return notifytest.Now }})
	if err != nil {
		t.Fatal(err)
	}
	return n.Notify(context.Background(), notifytest.Alert())
}

func TestSTARTTLSWithAuth(t *testing.T) {
	for _, mech := range []string{AuthAuto, AuthPlain, AuthLogin} {
		t.Run("auth="+mech, func(t *testing.T) {
			ms := newMailServer(t, serverOpts{})
			cfg := config(ms)
			cfg.Auth = mech
			if err := send(t, cfg); err != nil {
				t.Fatal(err)
			}
			got := ms.got()
			if len(got) != 1 {
				t.Fatalf("%d messages", len(got))
			}
			m := got[0]
			if !m.tls {
				t.Error("message sent without TLS")
			}
			wantMech := "PLAIN"
			if mech == AuthLogin {
				wantMech = "LOGIN"
			}
			if m.mech != wantMech || m.authed != user {
				t.Errorf("auth %s as %q, want %s", m.mech, m.authed, wantMech)
			}
			if m.from != user || strings.Join(m.to, ",") != "sec@example.com,oncall@example.com" {
				t.Errorf("envelope %s -> %v", m.from, m.to)
			}
			if m.helo != "rootwatch.test" {
				t.Errorf("EHLO %q", m.helo)
			}
			checkMessage(t, m.data)
		})
	}
}

func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v", err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if subj != "Root usage: ConsoleLogin +1 more in prod-payments (123456789012)" {
		t.Errorf("Subject = %q", subj)
	}
	a := notifytest.Alert()
	if msg.Header.Get("X-Rootwatch-Alert-Id") != a.ID || msg.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers = %v", msg.Header)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if !strings.Contains(msg.Header.Get("Message-Id"), "rw-9f2c4a1b7e3d5f60.") {
		t.Errorf("Message-ID = %q", msg.Header.Get("Message-Id"))
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Root user signed in", a.EventIDs[1], `"eventName": "ListUsers"`, "203.0.113.7"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q", want)
		}
	}
	for i, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets (RFC 5322 limit 998)", i, len(line))
		}
	}
}

func TestImplicitTLS(t *testing.T) {
	ms := newMailServer(t, serverOpts{implicitTLS: true})
	cfg := config(ms)
	cfg.TLS = TLSImplicit
	if err := send(t, cfg); err != nil {
		t.Fatal(err)
	}
	if got := ms.got(); len(got) != 1 || !got[0].tls {
		t.Errorf("messages = %+v", got)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		opts      serverOpts
		edit      func(*Config, *mailServer)
		retryable bool
		want      string
	}{
		{name: "wrong password", edit: func(c *Config, _ *mailServer) { c.Password = "wrong-SECRET-guess" }, want: "535"},
		{name: "no STARTTLS offered", opts: serverOpts{noStartTLS: true}, want: "STARTTLS"},
		{name: "untrusted certificate", edit: func(c *Config, _ *mailServer) { c.CAFile = "" }, want: "certificate"},
		{name: "mailbox full (452)", edit: func(_ *Config, ms *mailServer) {
			ms.failRcpt = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"}
		}, retryable: true, want: "452"},
		{name: "no such user (550)", edit: func(_ *Config, ms *mailServer) {
			ms.failRcpt = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		}, want: "550"},
		{name: "greylisted at DATA (451)", edit: func(_ *Config, ms *mailServer) {
			ms.failData = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Try again later"}
		}, retryable: true, want: "451"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMailServer(t, tt.opts)
			cfg := config(ms)
			if tt.edit != nil {
				tt.edit(&cfg, ms)
			}
			err := send(t, cfg)
			notifytest.CheckFailure(t, err, tt.retryable, password, "wrong-SECRET-guess")
			if err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if len(ms.got()) != 0 {
				t.Error("message delivered despite the failure")
			}
		})
	}
}

func TestConnectionRefusedRetryable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	err = send(t, Config{Host: "127.0.0.1", Port: addr.Port, From: user, To: []string{user}, Username: user, Password: password})
	notifytest.CheckFailure(t, err, true, password)
}

func TestHostileEmailHeaderInjection(t *testing.T) {
	a := notifytest.Alert()
	a.AccountAlias = "prod\r\nBcc: attacker@example.com"
	msg, err := Message(Config{From: user, To: []string{user}}, a, notifytest.Now)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" {
		t.Error("alias injected a Bcc header")
	}
}

func TestNonASCIISubjectEncoded(t *testing.T) {
	a := notifytest.Alert()
	a.AccountAlias = "支払い-本番"
	msg, _ := Message(Config{From: user, To: []string{user}}, a, notifytest.Now)
	m, _ := mail.ReadMessage(bytes.NewReader(msg))
	raw := m.Header.Get("Subject")
	if !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("raw subject %q not RFC 2047 encoded", raw)
	}
	dec, _ := new(mime.WordDecoder).DecodeHeader(raw)
	if !strings.Contains(dec, "支払い-本番") {
		t.Errorf("decoded subject %q", dec)
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Host: "smtp.example.com", From: user, To: []string{user}}
	tests := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Host = "" }, "host is required"},
		{func(c *Config) { c.From = "not an address" }, "from"},
		{func(c *Config) { c.To = nil }, "at least one recipient"},
		{func(c *Config) { c.To = []string{"bad@@x"} }, "to"},
		{func(c *Config) { c.TLS = "none" }, "loopback"},
		{func(c *Config) { c.TLS = "ssl" }, "expected starttls"},
		{func(c *Config) { c.Auth = "cram-md5" }, "expected plain or login"},
		{func(c *Config) { c.Password = "SECRETPW" }, "username is not"},
		{func(c *Config) { c.Username = "u" }, "password is not"},
		{func(c *Config) {}, ""},
		{func(c *Config) { c.Host, c.TLS = "127.0.0.1", "none" }, ""},
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		c.Defaults()
		err := c.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("Validate = %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate = %v, want %q", err, tt.want)
		}
		notifytest.CheckNoSecret(t, err, "SECRETPW")
	}
	c := Config{TLS: TLSImplicit}
	c.Defaults()
	if c.Port != 465 {
		t.Errorf("implicit TLS port %d", c.Port)
	}
}
