package source

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// HTTPConfig configures the ingest endpoint: EventBridge API destinations
// (one event per request, the shared secret in an API-key header),
// CloudWatch Logs subscription payloads (gzip'd or not, bare or as
// {"awslogs":{"data":...}}), and Kinesis Data Firehose HTTP endpoint
// deliveries of either (access key in X-Amz-Firehose-Access-Key).
type HTTPConfig struct {
	// Addr to listen on (host:port); PATH to accept POSTs on.
	Addr string
	Path string
	// Secret every request must carry in Header (default
	// X-Rootwatch-Secret) or, for Firehose, X-Amz-Firehose-Access-Key.
	Secret secret.Secret
	Header string
	// CertFile and KeyFile turn on TLS.
	CertFile, KeyFile string
	// MaxBody bounds a request body (default 16 MiB; Firehose sends up to 64).
	MaxBody int64
	Now     func() time.Time
	Log     *slog.Logger
}

// HTTP is the ingest endpoint source.
type HTTP struct {
	c      HTTPConfig
	l      net.Listener
	denied authFailures
}

// FirehoseAccessKeyHeader is where Firehose HTTP endpoint destinations put
// their access key.
const FirehoseAccessKeyHeader = "X-Amz-Firehose-Access-Key"

// NewHTTP checks c and binds the address, so a clash is reported at start.
func NewHTTP(c HTTPConfig) (*HTTP, error) {
	if c.Secret.IsZero() {
		return nil, errors.New("http source: a shared secret is required (it authenticates EventBridge and Firehose)")
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.Header == "" {
		c.Header = "X-Rootwatch-Secret"
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, errors.New("http source: TLS needs both a certificate and a key file")
	}
	if c.MaxBody == 0 {
		c.MaxBody = 16 << 20
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	l, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("http source: listen on %s: %w", c.Addr, err)
	}
	WarnIfExposed(c.Log, l, "http source "+c.Addr, c.CertFile != "")
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			_ = l.Close()
			return nil, fmt.Errorf("http source: load TLS certificate: %w", err)
		}
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	return &HTTP{c: c, l: l}, nil
}

// Name includes the configured address, which stays the same across
// restarts (the bound port may not, with :0).
func (h *HTTP) Name() string { return "http:" + h.c.Addr + h.c.Path }

// Addr is the bound address.
func (h *HTTP) Addr() string { return h.l.Addr().String() }

// Run serves until ctx ends.
func (h *HTTP) Run(ctx context.Context, sink Sink) error {
	mux := http.NewServeMux()
	mux.Handle(h.c.Path, h.handler(sink))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(h.l) }()
	defer func() {
		if n, last := h.denied.flush(); n > 0 {
			h.logDenied(n, last)
		}
	}()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-errc //nolint:errcheck // http.ErrServerClosed after Shutdown
		return nil
	case err := <-errc:
		return fmt.Errorf("http source %s: %w", h.c.Addr, err)
	}
}

func (h *HTTP) authorized(r *http.Request) bool {
	want := []byte(h.c.Secret.Reveal())
	for _, name := range []string{h.c.Header, FirehoseAccessKeyHeader} {
		if got := r.Header.Get(name); got != "" && subtle.ConstantTimeCompare([]byte(got), want) == 1 {
			return true
		}
	}
	return false
}

// firehoseRequest is the Kinesis Data Firehose HTTP endpoint delivery
// request; each record's data is one payload (for CloudWatch Logs, a
// gzip'd subscription payload).
type firehoseRequest struct {
	RequestID string `json:"requestId"`
	Timestamp int64  `json:"timestamp"`
	Records   []struct {
		Data string `json:"data"`
	} `json:"records"`
}

func (h *HTTP) handler(sink Sink) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		firehoseID := r.Header.Get("X-Amz-Firehose-Request-Id")
		answer := func(status int, msg string) {
			if firehoseID != "" {
				// Firehose wants this body on every answer.
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				body := map[string]any{"requestId": firehoseID, "timestamp": h.c.Now().UnixMilli()}
				if status != http.StatusOK {
					body["errorMessage"] = msg
				}
				_ = json.NewEncoder(w).Encode(body)
				return
			}
			if status == http.StatusOK {
				w.WriteHeader(status)
				return
			}
			http.Error(w, msg, status)
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			answer(http.StatusMethodNotAllowed, "POST CloudTrail events here")
			return
		}
		if !h.authorized(r) {
			if n, ok := h.denied.note(h.c.Now(), r.RemoteAddr); ok {
				h.logDenied(n, r.RemoteAddr)
			}
			answer(http.StatusUnauthorized, "missing or wrong shared secret")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.c.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				answer(http.StatusRequestEntityTooLarge, "body larger than "+strconv.FormatInt(h.c.MaxBody, 10)+" bytes")
				return
			}
			answer(http.StatusBadRequest, "read body: "+err.Error())
			return
		}
		now := h.c.Now()
		name := "request from " + r.RemoteAddr
		if firehoseID != "" {
			name = "firehose request " + firehoseID
		}
		b := Batch{Source: h.Name(), Name: name, Received: now}
		if firehoseID != "" {
			var fr firehoseRequest
			if err := json.Unmarshal(body, &fr); err != nil {
				answer(http.StatusBadRequest, "not a Firehose delivery request: "+err.Error())
				return
			}
			if fr.Timestamp > 0 {
				b.Produced = time.UnixMilli(fr.Timestamp)
			}
			b.Records = func(fn func([]byte) error) error {
				for i, rec := range fr.Records {
					data, err := base64.StdEncoding.DecodeString(rec.Data)
					if err != nil {
						return &cloudtrail.DecodeError{Name: name, Msg: fmt.Sprintf("record %d: data is not base64", i), Err: err}
					}
					if err := recordsOf(data, fmt.Sprintf("%s record %d", name, i), h.c.Log)(fn); err != nil {
						return err
					}
				}
				return nil
			}
		} else {
			b.Records = recordsOf(body, name, h.c.Log)
		}
		err = sink.Deliver(r.Context(), b)
		var bad *cloudtrail.DecodeError
		switch {
		case err == nil:
			answer(http.StatusOK, "")
		case errors.As(err, &bad):
			// What came before the damage is recorded; the sender must not
			// retry a body that can never be read.
			answer(http.StatusBadRequest, bad.Error())
		default:
			// Not recorded: ask the sender to retry (EventBridge and
			// Firehose both retry 5xx).
			h.c.Log.Error("ingest request not recorded", "error", err)
			answer(http.StatusServiceUnavailable, "could not record the events; retry")
		}
	})
}
