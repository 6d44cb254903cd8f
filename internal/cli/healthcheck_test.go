package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheck: exit 0 on 200, an error naming the status otherwise,
// and /readyz with --ready.
func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			http.Error(w, "store failing", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"healthcheck", "--addr", addr}, ""},
		{[]string{"healthcheck", "--addr", addr, "--ready"}, "503"},
		{[]string{"healthcheck", "--addr", "127.0.0.1:1"}, "connect"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, _ := patternFactory("")
			root := NewRootCmd(f)
			root.SetArgs(tt.args)
			err := root.ExecuteContext(context.Background())
			if tt.wantErr == "" {
				if err != nil || !strings.Contains(out.String(), "200 OK") {
					t.Fatalf("err = %v, out = %q", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}
