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

// maxSubject keeps the subject readable in a mail list; folding keeps its
// header lines within RFC 5322's limits however it is encoded.
const maxSubject = 150

// RFC 5322 §2.1.1: a line SHOULD be at most 78 characters and MUST be at
// most 998; RFC 2047 §2: an encoded-word is at most 75 characters, which
// mime's encoder keeps to by splitting into several words.
const (
	foldAt      = 78
	maxLine     = 998
	maxXHeaders = 200 // X-Rootwatch-* values: IDs and rule names, never prose
)

// subject is the alert's subject as header text. A literal "=?" would
// make mail clients decode attacker text as an RFC 2047 encoded-word
// (which can carry line breaks and lookalike text), so it is split.
func subject(a alert.Alert) string {
	return strings.ReplaceAll(format.Subject(a, maxSubject), "=?", "= ?")
}

// headerText is one clean, bounded line of ASCII for an X- header.
func headerText(s string) string {
	return format.TruncateBytes(format.ASCII(format.OneLine(s)), maxXHeaders)
}

// foldHeader writes "Name: value" folded at spaces (CRLF + space, which
// unfolding removes) so every line stays within foldAt where a space
// allows and never exceeds maxLine: a long multi-byte subject encodes to
// many encoded-words that would otherwise share one line of over 1,000
// characters. value is one line already (OneLine, encoded-words).
func foldHeader(name, value string) string {
	var b strings.Builder
	line := name + ":"
	for _, word := range strings.Fields(value) {
		if len(word) > maxLine-1 {
			word = word[:maxLine-1] // unreachable with bounded inputs; never exceed the MUST
		}
		// Folding right after the colon is allowed (the field body may
		// start with folding white space) and is what a full-length
		// encoded-word needs to fit.
		if len(line)+1+len(word) > foldAt {
			b.WriteString(line)
			b.WriteString("\r\n")
			line = ""
		}
		line += " " + word
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}

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
	header := func(k, v string) { b.WriteString(foldHeader(k, v)) }
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", subject(a)))
	header("Date", now.UTC().Format(time.RFC1123Z))
	header("Message-ID", messageID(a, from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="utf-8"`)
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	header("X-Rootwatch-Alert-Id", headerText(a.ID))
	header("X-Rootwatch-Rule", headerText(a.Rule))
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
