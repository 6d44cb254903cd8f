package watch_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// A root record one invalid escape keeps from being JSON cannot be judged
// by the rules: it was dropped without a word. Now its input is an
// unreadable-input alert at the error level, and the good records of the
// same batch still alert.
func TestHostileMalformedRecordAlerts(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "rw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := watch.New(ctx, watch.Options{Store: st, Targets: []watch.Target{{Name: "c", Notifier: &collectNotifier{}}},
		Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	good := rootEvent("mal-good", "203.0.113.60", now)
	bad := strings.Replace(rootEvent("mal-bad", "203.0.113.61", now), `"eventID"`, `"userAgent":"\x","eventID"`, 1)
	if bad == rootEvent("mal-bad", "203.0.113.61", now) {
		t.Fatal("the record did not change")
	}
	body := []byte(`{"Records":[` + bad + `,` + good + `]}`)
	err = svc.Sink().Deliver(ctx, source.Batch{Source: "http", Name: "request 1", Received: now,
		Records: func(fn func([]byte) error) error {
			_, err := cloudtrail.Decode(bytes.NewReader(body), "request 1", fn)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var unreadable, root int
	for _, r := range rows {
		switch r.Rule {
		case alert.RuleInputUnreadable:
			unreadable++
			if route.Of(r.Alert) != route.LevelError || !strings.Contains(r.Alert.Summary, "request 1") ||
				!strings.Contains(r.Alert.Summary, "1 of its records cannot be judged") {
				t.Errorf("unreadable alert: level %v, %q", route.Of(r.Alert), r.Alert.Summary)
			}
		case alert.RuleRootUsage:
			root++
			if len(r.Alert.EventIDs) != 1 || r.Alert.EventIDs[0] != "mal-good" {
				t.Errorf("root alert for %v, want mal-good", r.Alert.EventIDs)
			}
		}
	}
	if unreadable != 1 || root != 1 {
		t.Errorf("%d unreadable and %d root alerts, want 1 and 1", unreadable, root)
	}
}
