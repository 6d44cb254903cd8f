package awsemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/awsfake"
)

// Server is the emulator. It is safe for concurrent use: all state lives
// in the awsfake.Cloud (which locks) and the S3 store (which locks).
type Server struct {
	Cloud *awsfake.Cloud
	// S3 holds the buckets served over restXml; nil serves none.
	S3 *Buckets
	// Events holds CloudWatch Logs events for FilterLogEvents.
	Events *Events
	// History holds CloudTrail event history for LookupEvents.
	History *History
	// Queues holds the SQS queues.
	Queues *Queues
	// Queries holds Athena tables and CloudTrail Lake event data stores.
	Queries *Queries
	// Keys maps extra access key IDs to accounts, beyond "AKIA<account>"
	// and sts:AssumeRole sessions.
	Keys map[string]string
	// Latency is added to every request before it is served: loopback
	// answers in microseconds, AWS in tens of milliseconds, and a client
	// that is slow only at AWS's latency must be benchmarked at it.
	Latency time.Duration
}

// New returns a server over cloud with an empty S3.
func New(cloud *awsfake.Cloud) *Server {
	return &Server{Cloud: cloud, S3: NewBuckets(), Events: NewEvents(), History: NewHistory(), Queues: NewQueues(), Queries: NewQueries()}
}

// maxBody bounds a request body; rootwatch's largest request is a topic
// policy of a few KiB.
const maxBody = 8 << 20

var scopeRE = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// caller is who signed a request and for which service and region.
type caller struct {
	key, account, region, service string
}

func (s *Server) identify(r *http.Request) (caller, error) {
	m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return caller{}, apiErr("MissingAuthenticationToken", "Request is missing Authentication Token", http.StatusForbidden)
	}
	c := caller{key: m[1], region: m[2], service: m[3]}
	c.account = s.accountOf(c.key)
	return c, nil
}

var staticKeyRE = regexp.MustCompile(`^AKIA(\d{12})$`)

func (s *Server) accountOf(key string) string {
	if id, ok := s.Keys[key]; ok {
		return id
	}
	if m := staticKeyRE.FindStringSubmatch(key); m != nil {
		return m[1]
	}
	if id, ok := s.Cloud.SessionAccount(key); ok {
		return id
	}
	// An unknown key reaches the fake as no account, which answers
	// UnrecognizedClientException like AWS.
	return ""
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.Latency > 0 {
		t := time.NewTimer(s.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	c, err := s.identify(r)
	if err != nil {
		writeError(w, protoQuery, "", err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, protoQuery, "", apiErr("IncompleteBody", err.Error(), http.StatusBadRequest))
		return
	}
	if c.service == "s3" {
		s.serveS3(w, r, c, body)
		return
	}
	svc, ok := services[c.service]
	if !ok {
		writeError(w, protoQuery, "", apiErr("UnknownService", fmt.Sprintf("service %q is not emulated", c.service), http.StatusBadRequest))
		return
	}
	op, data, err := svc.proto.parse(r, body)
	if err != nil {
		writeError(w, svc.proto, op, err)
		return
	}
	var out *node
	switch {
	case c.service == "logs" && op == "FilterLogEvents":
		out, err = s.filterLogEvents(c, data)
	case c.service == "cloudtrail" && op == "LookupEvents":
		out, err = s.lookupEvents(c, data)
	case c.service == "athena":
		out, err = s.athena(r.Context(), c, op, data)
	case c.service == "cloudtrail" && (op == "StartQuery" || op == "DescribeQuery" || op == "GetQueryResults") && s.Queries != nil:
		out, err = s.lake(r.Context(), c, op, data)
	default:
		out, err = s.invoke(r.Context(), svc.client(s, c), op, data)
	}
	if err != nil {
		writeError(w, svc.proto, op, err)
		return
	}
	svc.proto.write(w, op, svc.xmlns, out)
}

// invoke calls client.<op>(ctx, input) with the request decoded into the
// operation's input type.
func (s *Server) invoke(ctx context.Context, client any, op string, data any) (*node, error) {
	m := reflect.ValueOf(client).MethodByName(op)
	if !m.IsValid() || m.Type().NumIn() < 2 || m.Type().NumOut() != 2 {
		return nil, apiErr("UnknownOperationException", fmt.Sprintf("operation %s is not emulated", op), http.StatusBadRequest)
	}
	in := reflect.New(m.Type().In(1).Elem())
	if err := assignInput(in.Interface(), data, op+"Input"); err != nil {
		return nil, err
	}
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if e, _ := res[1].Interface().(error); e != nil {
		return nil, e
	}
	if res[0].IsNil() {
		return nil, apiErr("InternalFailure", op+" returned no output", http.StatusInternalServerError)
	}
	return outputTree(res[0].Interface()), nil
}

// httpError is an error with the status AWS would answer it with.
type httpError struct {
	code, msg string
	status    int
}

func (e *httpError) Error() string { return e.code + ": " + e.msg }

func apiErr(code, msg string, status int) error {
	return &httpError{code: code, msg: msg, status: status}
}

// classify returns the AWS error code, message and HTTP status of err.
func classify(err error) (code, msg string, status int) {
	var he *httpError
	if errors.As(err, &he) {
		return he.code, he.msg, he.status
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
	} else {
		code, msg = "InternalFailure", err.Error()
	}
	switch {
	case strings.HasPrefix(code, "AccessDenied"), code == "AuthorizationError",
		code == "UnauthorizedOperation", code == "UnrecognizedClientException",
		code == "InvalidClientTokenId":
		status = http.StatusForbidden
	case code == "InternalFailure":
		status = http.StatusInternalServerError
	default:
		// AWS answers throttling, validation and not-found with 400; the
		// SDK classifies them by code.
		status = http.StatusBadRequest
	}
	return code, msg, status
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// assignInput decodes a request tree into an SDK input (a pointer).
func assignInput(in any, data any, name string) error {
	if err := assign(reflect.ValueOf(in).Elem(), data, name); err != nil {
		return apiErr("SerializationException", err.Error(), http.StatusBadRequest)
	}
	return nil
}
