package source

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzIngest: whatever is posted, the ingest endpoint answers with a
// status (200, 400, 413, 503), never panics, and never answers 200 for a
// body it could not read.
func FuzzIngest(f *testing.F) {
	f.Add([]byte(eventBridge(rec("f1"))), "")
	f.Add([]byte(`{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"{}"}]}`), "")
	f.Add([]byte(`{"requestId":"r","timestamp":1,"records":[{"data":"e30="}]}`), "r")
	f.Add([]byte(`{"awslogs":{"data":"!!"}}`), "")
	f.Add([]byte("\x1f\x8b\x08\x00"), "")
	h := &HTTP{c: HTTPConfig{Path: "/", Header: "X-Rootwatch-Secret", Secret: "s", MaxBody: 1 << 20}}
	f.Fuzz(func(t *testing.T, body []byte, firehose string) {
		hh := &HTTP{c: h.c}
		hh.c.Now = nowForFuzz
		hh.c.Log = discard
		sink := newFakeSink()
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Rootwatch-Secret", "s")
		if firehose != "" {
			req.Header.Set("X-Amz-Firehose-Request-Id", firehose)
		}
		w := httptest.NewRecorder()
		hh.handler(sink).ServeHTTP(w, req)
		switch w.Code {
		case 200, 400, 413, 503:
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
	})
}

var discard = slog.New(slog.DiscardHandler)

func nowForFuzz() time.Time { return time.Unix(1764583200, 0) }
