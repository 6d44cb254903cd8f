package email

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/format"
)

// maxSubject keeps the subject on one folded header line in most clients.
const maxSubject = 150

// Message renders the RFC 5322 message for a: headers that cannot be
// injected into (every value is one line, non-ASCII encoded per RFC 2047),
// a quoted-printable UTF-8 plain-text body.
func Message(cfg Config, a alert.Alert, now time.Time) ([]byte, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("from %q is not an email address", cfg.From)
	}
	var to []string
	for _, t := range cfg.To {
		addr, err := mail.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("to %q is not an email address", t)
		}
		to = append(to, addr.String())
	}
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", format.Subject(a, maxSubject)))
	header("Date", now.UTC().Format(time.RFC1123Z))
	header("Message-ID", messageID(a, from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="utf-8"`)
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	header("X-Rootwatch-Alert-Id", format.OneLine(a.ID))
	header("X-Rootwatch-Rule", format.OneLine(a.Rule))
	header("X-Rootwatch-Severity", a.Severity.String())
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(format.Body(a), "\r\n", "\n")
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// messageID is unique per send (a redelivery is a new message to mail
// servers) but carries the alert ID so threads and searches find it.
func messageID(a alert.Alert, from string) string {
	domain := "rootwatch.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return -1
	}, a.ID)
	return "<" + id + "." + hex.EncodeToString(r[:]) + "@" + domain + ">"
}

func parseAddr(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}
