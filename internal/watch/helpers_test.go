package watch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/secret"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// rootEvent is a root API call from ip; noise is an ordinary IAM user call.
func rootEvent(id, ip string, at time.Time) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":%q,"eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":%q,"userAgent":"aws-cli/2","eventID":%q,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`,
		at.UTC().Format(time.RFC3339), ip, id)
}

func noiseEvent(id string, at time.Time) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"},"eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","eventID":%q,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`,
		at.UTC().Format(time.RFC3339), id)
}

// writeLogFile writes records as CloudTrail writes them to S3, renaming
// the finished file into place as a collector would.
func writeLogFile(t testing.TB, dir, name string, records []string) {
	t.Helper()
	body := `{"Records":[` + strings.Join(records, ",") + `]}`
	tmp := filepath.Join(dir, "."+name)
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

// receiver is a webhook endpoint on loopback that checks every payload
// against the documented schema and counts accepted deliveries per alert.
type receiver struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	down     bool
	accepted map[string]int // alert ID → 2xx answers
	events   map[string]int // CloudTrail event ID → accepted alerts covering it
	payloads []webhook.Payload
	changed  chan struct{}
}

func newReceiver(t testing.TB) *receiver {
	rc := &receiver{t: t, accepted: map[string]int{}, events: map[string]int{}, changed: make(chan struct{}, 1)}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", 400)
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		rc.t.Errorf("receiver: payload is not JSON: %v", err)
		http.Error(w, "bad json", 400)
		return
	}
	if p.ID == "" || p.Rule == "" || p.Account == "" || len(p.EventIDs) == 0 || p.Version == "" ||
		r.Header.Get(webhook.HeaderAlertID) != p.ID {
		rc.t.Errorf("receiver: payload misses documented fields: %s", body)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.down {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	rc.accepted[p.ID]++
	if rc.accepted[p.ID] == 1 {
		for _, id := range p.EventIDs {
			rc.events[id]++
		}
	}
	rc.payloads = append(rc.payloads, p)
	select {
	case rc.changed <- struct{}{}:
	default:
	}
}

func (rc *receiver) setDown(v bool) {
	rc.mu.Lock()
	rc.down = v
	rc.mu.Unlock()
}

// waitEvents blocks until every id is covered by an accepted alert.
func (rc *receiver) waitEvents(ctx context.Context, ids []string) error {
	for {
		rc.mu.Lock()
		missing := 0
		for _, id := range ids {
			if rc.events[id] == 0 {
				missing++
			}
		}
		rc.mu.Unlock()
		if missing == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d events never reached the receiver", missing, len(ids))
		case <-rc.changed:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// duplicates is how many deliveries were accepted beyond the first per alert.
func (rc *receiver) duplicates() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, c := range rc.accepted {
		n += c - 1
	}
	return n
}

func (rc *receiver) target(t testing.TB) watch.Target {
	n, err := webhook.New(webhook.Config{URL: secret.Secret(rc.srv.URL + "/hook")}, webhook.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return watch.Target{Name: "webhook", Notifier: n}
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("ROOTWATCH_TEST_LOG") != "" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewJSONHandler(io.Discard, nil))
}

// start runs svc until the test ends.
func start(t testing.TB, svc *watch.Service) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- svc.Run(context.Background()) }()
	t.Cleanup(func() {
		svc.Stop()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func dirSource(t testing.TB, dir string) source.Source {
	t.Helper()
	src, err := source.NewDir(source.DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func fastBackoff() store.Backoff {
	return store.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, MaxAttempts: 1000}
}
