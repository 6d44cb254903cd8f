package build

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

// The secrets every notifier is configured with below. Each failing
// notifier's error is checked for all of them, in plain and base64 form.
var leakSecrets = []string{
	"PATHSECRET",                       // webhook, slack and teams URL paths
	"QUERYSECRET",                      // a signed Workflows URL's sig=
	"HMACSECRET",                       // webhook signing key
	"BEARERSECRET",                     // a webhook header
	"PDSECRETzyxwvutsrqponmlkjihgfedc", // PagerDuty routing key (32)
	"SMTPSECRET",                       // SMTP password
}

// echoServer fails every request with 500 and quotes back everything it
// got (path, query, headers, body): the worst receiver for leaks.
func echoServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "failed %s %v %s", r.URL.RequestURI(), r.Header, b)
	}))
	t.Cleanup(s.Close)
	return s
}

// echoSMTP is a loopback relay that rejects AUTH and quotes the decoded
// AUTH line back in its 535 reply.
func echoSMTP(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			func() {
				defer c.Close()
				r := bufio.NewReader(c)
				fmt.Fprint(c, "220 echo ESMTP\r\n")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimSpace(line)
					switch {
					case strings.HasPrefix(strings.ToUpper(line), "EHLO"):
						fmt.Fprint(c, "250-echo\r\n250 AUTH PLAIN LOGIN\r\n")
					case strings.HasPrefix(strings.ToUpper(line), "AUTH"):
						f := strings.Fields(line)
						dec, _ := base64.StdEncoding.DecodeString(f[len(f)-1])
						fmt.Fprintf(c, "535 5.7.8 rejected %s (%s)\r\n", line, strings.ReplaceAll(string(dec), "\x00", " "))
					case strings.HasPrefix(strings.ToUpper(line), "QUIT"):
						fmt.Fprint(c, "221 bye\r\n")
						return
					default:
						fmt.Fprint(c, "502 no\r\n")
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}

// TestHostileNoNotifierLeaksASecret is alertmanager's notify/test idea applied to
// every kind at once: configure each with secrets, make it fail against a
// receiver that echoes everything, and check the error.
func TestHostileNoNotifierLeaksASecret(t *testing.T) {
	web := echoServer(t)
	smtpAddr := echoSMTP(t)
	host, port, _ := net.SplitHostPort(smtpAddr)
	yaml := fmt.Sprintf(`notify:
  notifiers:
    - name: webhook
      webhook:
        url: %[1]s/hooks/PATHSECRET?token=QUERYSECRET
        secret: HMACSECRET
        headers: {Authorization: Bearer BEARERSECRET}
    - name: slack
      slack: {url: %[1]s/services/T0/B0/PATHSECRET}
    - name: teams
      teams: {url: "%[1]s/workflows/PATHSECRET/invoke?api-version=1&sig=QUERYSECRET"}
    - name: pagerduty
      pagerduty: {routing_key: PDSECRETzyxwvutsrqponmlkjihgfedc, url: %[1]s}
    - name: email
      email:
        host: %[2]s
        port: %[3]s
        tls: none
        from: rw@example.com
        to: [sec@example.com]
        username: rw
        password: SMTPSECRET
`, web.URL, host, port)
	cfg, err := ParseFile("leak.yaml", strings.NewReader(yaml))
	if err != nil {
		t.Fatal(err)
	}
	deps, _ := testDeps(nil, nil)
	set, err := Build(context.Background(), cfg, nil, deps)
	if err != nil {
		t.Fatal(err)
	}
	var forms []string
	for _, s := range leakSecrets {
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	forms = append(forms, base64.StdEncoding.EncodeToString([]byte("\x00rw\x00SMTPSECRET")))
	for _, tg := range set.Targets {
		t.Run(tg.Name, func(t *testing.T) {
			err := tg.Notifier.Notify(context.Background(), notifytest.Alert())
			if err == nil {
				t.Fatal("Notify succeeded against a failing receiver")
			}
			notifytest.CheckNoSecret(t, err, forms...)
			if tg.Kind == KindEmail && notify.Retryable(err) {
				t.Errorf("rejected AUTH classified retryable: %v", err)
			}
			for _, s := range leakSecrets {
				if strings.Contains(tg.Where, s) {
					t.Errorf("Where %q leaks %s", tg.Where, s)
				}
			}
		})
	}
}
