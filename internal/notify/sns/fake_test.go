package sns

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
)

// fakeSNS answers the SNS Query API on loopback the way SNS does for
// Publish: it checks the topic exists and the documented constraints on
// Subject (the stricter, older API reference: ASCII text that begins with a
// letter, number or punctuation mark, no line breaks or control
// characters, under 100 characters), message attribute values (the XML
// character ranges), Message (valid UTF-8, at most 256 KiB) and FIFO
// parameters, and can be told to throttle. The real SDK client talks to it.
type fakeSNS struct {
	*httptest.Server
	topics map[string]bool

	mu        sync.Mutex
	published []url.Values
	throttle  int    // answer this many Publish calls with Throttling
	failCode  string // answer every call with this error code
	failCount int
}

func newFakeSNS(t *testing.T, topics ...string) *fakeSNS {
	f := &fakeSNS{topics: map[string]bool{}}
	for _, tp := range topics {
		f.topics[tp] = true
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSNS) client() *awssns.Client {
	return awssns.New(awssns.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(f.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "fake-secret-key", ""),
		RetryMaxAttempts: 1, // the outbox retries, not the test
	})
}

func (f *fakeSNS) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.fail(w, 400, "InvalidParameter", err.Error())
		return
	}
	if a := r.PostForm.Get("Action"); a != "Publish" {
		f.fail(w, 400, "InvalidAction", "unsupported action "+a)
		return
	}
	f.mu.Lock()
	if f.failCode != "" {
		f.failCount++
		code := f.failCode
		f.mu.Unlock()
		status := 400
		if code == "InternalError" {
			status = 500
		}
		f.fail(w, status, code, "injected")
		return
	}
	if f.throttle > 0 {
		f.throttle--
		f.mu.Unlock()
		f.fail(w, 400, "Throttling", "Rate exceeded")
		return
	}
	f.mu.Unlock()

	v := r.PostForm
	if !f.topics[v.Get("TopicArn")] {
		f.fail(w, 404, "NotFound", "Topic does not exist")
		return
	}
	if s, ok := v["Subject"]; ok && !validSubject(s[0]) {
		f.fail(w, 400, "InvalidParameter", "Invalid parameter: Subject")
		return
	}
	for k, vals := range v {
		if strings.HasSuffix(k, ".Value.StringValue") && strings.IndexFunc(vals[0], badAttributeChar) >= 0 {
			f.fail(w, 400, "InvalidParameterValue", "Invalid attribute value")
			return
		}
	}
	msg := v.Get("Message")
	if msg == "" || len(msg) > 256<<10 || !utf8.ValidString(msg) {
		f.fail(w, 400, "InvalidParameter", "Invalid parameter: Message too long")
		return
	}
	if strings.HasSuffix(v.Get("TopicArn"), ".fifo") && (v.Get("MessageGroupId") == "" || v.Get("MessageDeduplicationId") == "") {
		f.fail(w, 400, "InvalidParameter", "The MessageGroupId parameter is required for FIFO topics")
		return
	}
	f.mu.Lock()
	f.published = append(f.published, v)
	n := len(f.published)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>msg-%d</MessageId></PublishResult><ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata></PublishResponse>`, n, n)
}

func (f *fakeSNS) fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	var esc strings.Builder
	_ = xml.EscapeText(&esc, []byte(msg))
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`, code, esc.String())
}

func (f *fakeSNS) last(t *testing.T) url.Values {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.published) == 0 {
		t.Fatal("nothing published")
	}
	return f.published[len(f.published)-1]
}

// attributes decodes MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}.
func attributes(v url.Values) map[string]string {
	out := map[string]string{}
	for i := 1; ; i++ {
		p := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		name := v.Get(p + "Name")
		if name == "" {
			return out
		}
		out[name] = v.Get(p+"Value.DataType") + ":" + v.Get(p+"Value.StringValue")
	}
}

func validSubject(s string) bool {
	if s == "" || len(s) >= 100 || !(unicode.IsLetter(rune(s[0])) || unicode.IsDigit(rune(s[0])) || unicode.IsPunct(rune(s[0])) || unicode.IsSymbol(rune(s[0]))) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// badAttributeChar is outside what SNS allows in a String attribute:
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
func badAttributeChar(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return false
	case r < 0x20, r >= 0xD800 && r < 0xE000, r == 0xFFFE || r == 0xFFFF, r == utf8.RuneError:
		return true
	}
	return false
}
