package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	user     = "alerts@example.com"
	password = "smtp-pa55word-SECRET"
)

// received is one message the test server accepted.
type received struct {
	from   string
	to     []string
	data   []byte
	tls    bool // the transaction ran over TLS
	authed string
	mech   string
	helo   string
}

// mailServer is a real SMTP server (emersion/go-smtp) on loopback with
// STARTTLS on a self-signed certificate and AUTH PLAIN and LOGIN.
type mailServer struct {
	addr   string
	caFile string

	mu       sync.Mutex
	messages []received
	// failRcpt / failData make the server reply with that error.
	failRcpt *smtp.SMTPError
	failData *smtp.SMTPError
}

type serverOpts struct {
	noStartTLS  bool // do not offer STARTTLS
	implicitTLS bool // TLS from the first byte
}

func newMailServer(t *testing.T, o serverOpts) *mailServer {
	t.Helper()
	cert, caPEM := selfSigned(t)
	ms := &mailServer{caFile: filepath.Join(t.TempDir(), "ca.pem")}
	if err := os.WriteFile(ms.caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{ms: ms, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	tc := &tls.Config{Certificates: []tls.Certificate{cert}}
	if !o.noStartTLS {
		s.TLSConfig = tc
	}
	var l net.Listener
	var err error
	if o.implicitTLS {
		l, err = tls.Listen("tcp", "127.0.0.1:0", tc)
		s.TLSConfig = tc
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	return ms
}

func (ms *mailServer) host() (string, int) {
	h, p, _ := net.SplitHostPort(ms.addr)
	port := 0
	for _, c := range p {
		port = port*10 + int(c-'0')
	}
	return h, port
}

func (ms *mailServer) got() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.messages...)
}

type session struct {
	ms   *mailServer
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(u, p string) error {
		if u != user || p != password {
			return smtp.ErrAuthFailed
		}
		s.cur.authed, s.cur.mech = u, mech
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, u, p string) error { return check(u, p) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.cur.authed == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.cur.helo = s.conn.Hostname()
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	fail := s.ms.failRcpt
	s.ms.mu.Unlock()
	if fail != nil {
		return fail
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.failData != nil {
		return s.ms.failData
	}
	s.cur.data = b
	s.ms.messages = append(s.ms.messages, s.cur)
	return nil
}

func (s *session) Reset()        { s.cur = received{authed: s.cur.authed, mech: s.cur.mech} }
func (s *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN as Exchange speaks it.
type loginServer struct {
	check    func(u, p string) error
	step     int
	username string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if resp != nil { // an initial response is the username
			l.username = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.username = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		return nil, true, l.check(l.username, string(resp))
	}
	return nil, true, errors.New("unexpected LOGIN step")
}

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "rootwatch test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return cert, certPEM
}
