package email

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

var goldenCfg = Config{From: "rootwatch <alerts@example.com>", To: []string{"sec@example.com"}}

func render(t *testing.T, a alert.Alert) []byte {
	t.Helper()
	msg, err := Message(goldenCfg, a, notifytest.Now)
	if err != nil {
		t.Fatal(err)
	}
	// The Message-ID's random part differs per send.
	return regexp.MustCompile(`\.[0-9a-f]{12}@`).ReplaceAll(msg, []byte(".RANDOM@"))
}

func TestGoldenMessage(t *testing.T) {
	notifytest.Golden(t, "root-console-login.eml", render(t, notifytest.Alert()))
}

// checkRFC5322 holds msg to the limits receivers enforce: CRLF lines of
// at most 998 characters, header lines of at most 78 (RFC 5322 §2.1.1),
// encoded-words of at most 75 (RFC 2047 §2), headers that parse, and
// exactly the headers rootwatch writes.
func checkRFC5322(t *testing.T, msg []byte) *mail.Message {
	t.Helper()
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	for i, line := range strings.Split(string(msg), "\r\n") {
		if len(line) > 998 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has %d characters or a bare line break", i, len(line))
		}
	}
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
		for _, w := range regexp.MustCompile(`=\?[^ ]*\?=`).FindAllString(line, -1) {
			if len(w) > 75 {
				t.Errorf("encoded-word of %d characters: %q", len(w), w)
			}
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("message does not parse: %v", err)
	}
	want := []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type",
		"Content-Transfer-Encoding", "Auto-Submitted", "X-Rootwatch-Alert-Id", "X-Rootwatch-Rule", "X-Rootwatch-Severity"}
	if len(m.Header) != len(want) {
		t.Errorf("headers %v, want exactly %v", m.Header, want)
	}
	for _, k := range want {
		if len(m.Header[k]) != 1 {
			t.Errorf("header %s appears %d times", k, len(m.Header[k]))
		}
	}
	return m
}

func TestGoldenHostileMessage(t *testing.T) {
	a := notifytest.HostileAlert()
	a.AccountAlias += " =?utf-8?q?=0D=0ABcc:_victim@example.com?="
	msg := render(t, a)
	notifytest.Golden(t, "hostile.eml", msg)
	m := checkRFC5322(t, msg)
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || strings.ContainsAny(subj, "\r\n") {
		t.Errorf("subject decodes to %q, %v", subj, err)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	for _, line := range strings.Split(string(body), "\r\n") {
		if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "MFA used: Yes") {
			t.Errorf("a value forged a line: %q", line)
		}
	}
}

func TestLargeAlertWithinLimits(t *testing.T) {
	a := notifytest.LargeAlert(10000)
	checkRFC5322(t, render(t, a))
	a.AccountAlias = strings.Repeat("支払い", 60)
	a.EventName = strings.Repeat("Ä", 100)
	checkRFC5322(t, render(t, a))
}
