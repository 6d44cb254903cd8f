package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// BenchmarkNotify is one signed delivery to a loopback receiver: encode,
// sign, POST, read the answer.
func BenchmarkNotify(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	n, err := New(Config{URL: secret.Secret(srv.URL + "/hook"), Secret: "k"}, Deps{})
	if err != nil {
		b.Fatal(err)
	}
	a := notifytest.Alert()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := n.Notify(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPayloadAndSign is the CPU part of a delivery.
func BenchmarkPayloadAndSign(b *testing.B) {
	a := notifytest.Alert()
	b.ReportAllocs()
	for b.Loop() {
		body, _ := json.Marshal(NewPayload(a, notifytest.Now))
		_ = Sign("k", "1796144405", body)
	}
}
