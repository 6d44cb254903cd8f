package email

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"time"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// TLS modes.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587); required, never skipped
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only to a loopback relay
)

// Auth mechanisms.
const (
	AuthAuto  = ""      // PLAIN if the server offers it, else LOGIN
	AuthPlain = "plain" // RFC 4616
	AuthLogin = "login" // the legacy mechanism Office 365 and others still ask for
)

// Config configures one mail route (a relay and its recipients).
type Config struct {
	Host         string        `yaml:"host"`
	Port         int           `yaml:"port"`
	From         string        `yaml:"from"`
	To           []string      `yaml:"to"`
	Username     string        `yaml:"username"`
	Password     secret.Secret `yaml:"password"`
	PasswordFile string        `yaml:"password_file"`
	TLS          string        `yaml:"tls"`
	Auth         string        `yaml:"auth"`
	// CAFile is a PEM bundle to trust instead of the system roots (an
	// internal relay with a private CA).
	CAFile string `yaml:"ca_file"`
	// HelloName is sent in EHLO; default "localhost" as net/smtp does.
	HelloName string        `yaml:"hello_name"`
	Timeout   time.Duration `yaml:"timeout"`
}

// Defaults fills unset fields.
func (c *Config) Defaults() {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSImplicit:
			c.Port = 465
		case TLSNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}
	if c.HelloName == "" {
		c.HelloName = "localhost"
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
}

// ResolveSecrets reads password_file.
func (c *Config) ResolveSecrets(read secret.ReadFileFunc) error {
	var err error
	c.Password, err = secret.Resolve("password", c.Password, c.PasswordFile, read)
	c.PasswordFile = ""
	return err
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	if c.Host == "" {
		return errors.New("host is required (the SMTP relay)")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("port %d is out of range", c.Port)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("from %q is not an email address", c.From)
	}
	if len(c.To) == 0 {
		return errors.New("to needs at least one recipient")
	}
	for _, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("to %q is not an email address", to)
		}
	}
	switch c.TLS {
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !loopback(c.Host) {
			return fmt.Errorf("tls: none is allowed only to a loopback relay, not %s (alerts and passwords would cross the network in clear)", c.Host)
		}
	default:
		return fmt.Errorf("tls %q: expected starttls, tls or none", c.TLS)
	}
	switch c.Auth {
	case AuthAuto, AuthPlain, AuthLogin:
	default:
		return fmt.Errorf("auth %q: expected plain or login", c.Auth)
	}
	if c.Username == "" && !c.Password.IsZero() {
		return errors.New("password is set but username is not")
	}
	if c.Username != "" && c.Password.IsZero() {
		return errors.New("username is set but password is not (use password or password_file)")
	}
	if c.Timeout < 0 {
		return errors.New("timeout must not be negative")
	}
	return nil
}

func (c Config) addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
