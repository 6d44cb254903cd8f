package awsemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// protocol parses a request into an operation name and a data tree, and
// writes an output tree or an error in the service's wire format.
type protocol int

const (
	protoJSON10 protocol = iota
	protoJSON11
	protoCBOR
	protoQuery
	protoEC2
	protoRESTJSON
)

func (p protocol) parse(r *http.Request, body []byte) (string, any, error) {
	switch p {
	case protoJSON10, protoJSON11:
		target := r.Header.Get("X-Amz-Target")
		_, op, ok := strings.Cut(target, ".")
		if !ok {
			return "", nil, apiErr("UnknownOperationException", fmt.Sprintf("X-Amz-Target %q names no operation", target), http.StatusBadRequest)
		}
		data, err := parseJSON(body)
		if err != nil {
			return op, nil, apiErr("SerializationException", err.Error(), http.StatusBadRequest)
		}
		return op, data, nil
	case protoCBOR:
		// /service/<Service>/operation/<Operation>
		i := strings.LastIndex(r.URL.Path, "/operation/")
		if i < 0 || r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
			return "", nil, apiErr("UnknownOperationException", "not an rpc-v2-cbor request: "+r.URL.Path, http.StatusBadRequest)
		}
		op := r.URL.Path[i+len("/operation/"):]
		data, err := parseCBOR(body)
		if err != nil {
			return op, nil, apiErr("SerializationException", err.Error(), http.StatusBadRequest)
		}
		return op, data, nil
	case protoQuery, protoEC2:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "", nil, apiErr("MalformedQueryString", err.Error(), http.StatusBadRequest)
		}
		for k, v := range r.URL.Query() {
			form[k] = v
		}
		op := form.Get("Action")
		if op == "" {
			return "", nil, apiErr("MissingAction", "Action is required", http.StatusBadRequest)
		}
		return op, parseForm(form), nil
	case protoRESTJSON:
		// Account's operations are POST /<operationWithLowerFirst>;
		// others are routed by method and path.
		op, routed := restOps[r.Method+" "+r.URL.Path]
		if name, ok := strings.CutPrefix(r.URL.Path, "/schedules/"); ok && !routed {
			return scheduleOp(r, name, body)
		}
		if !routed {
			name := strings.Trim(r.URL.Path, "/")
			if name == "" || strings.Contains(name, "/") {
				return "", nil, apiErr("UnknownOperationException", "no operation at "+r.URL.Path, http.StatusNotFound)
			}
			op = strings.ToUpper(name[:1]) + name[1:]
		}
		data, err := parseJSON(body)
		if err != nil {
			return op, nil, apiErr("SerializationException", err.Error(), http.StatusBadRequest)
		}
		return op, data, nil
	}
	return "", nil, fmt.Errorf("protocol %d", p)
}

func (p protocol) write(w http.ResponseWriter, op, xmlns string, out *node) {
	id := requestID()
	w.Header().Set("X-Amzn-Requestid", id)
	switch p {
	case protoJSON10, protoJSON11:
		w.Header().Set("Content-Type", "application/x-amz-json-1."+map[protocol]string{protoJSON10: "0", protoJSON11: "1"}[p])
		_, _ = w.Write(encodeJSON(out, false))
	case protoRESTJSON:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(encodeJSON(out, true))
	case protoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write(cbor.Encode(cborValue(out)))
	case protoQuery:
		x := &xmlWriter{}
		fmt.Fprintf(&x.buf, `<%sResponse xmlns="%s"><%sResult>`, op, xmlns, op)
		x.members(out)
		fmt.Fprintf(&x.buf, `</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`, op, id, op)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(x.buf.Bytes())
	case protoEC2:
		x := &xmlWriter{ec2: true}
		fmt.Fprintf(&x.buf, `<%sResponse xmlns="%s"><requestId>%s</requestId>`, op, xmlns, id)
		x.members(out)
		fmt.Fprintf(&x.buf, `</%sResponse>`, op)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(x.buf.Bytes())
	}
}

func writeError(w http.ResponseWriter, p protocol, _ string, err error) {
	code, msg, status := classify(err)
	id := requestID()
	w.Header().Set("X-Amzn-Requestid", id)
	switch p {
	case protoJSON10, protoJSON11, protoRESTJSON:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		b, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
		_, _ = w.Write(b)
	case protoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		// CloudWatch is query-compatible: the SDK takes the code its
		// awsQuery API used from this header.
		w.Header().Set("X-Amzn-Query-Error", code+";Sender")
		w.WriteHeader(status)
		_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String(code), "message": cbor.String(msg)}))
	case protoEC2:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		var b bytes.Buffer
		b.WriteString("<Response><Errors><Error><Code>")
		xmlEscape(&b, code)
		b.WriteString("</Code><Message>")
		xmlEscape(&b, msg)
		fmt.Fprintf(&b, "</Message></Error></Errors><RequestID>%s</RequestID></Response>", id)
		_, _ = w.Write(b.Bytes())
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		var b bytes.Buffer
		b.WriteString("<ErrorResponse><Error><Type>Sender</Type><Code>")
		xmlEscape(&b, code)
		b.WriteString("</Code><Message>")
		xmlEscape(&b, msg)
		fmt.Fprintf(&b, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", id)
		_, _ = w.Write(b.Bytes())
	}
}

// scheduleOp routes EventBridge Scheduler's schedule operations, which
// carry the schedule's name in the path and its group in the query
// (CreateSchedule is POST, GetSchedule GET, DeleteSchedule DELETE on
// /schedules/{Name}, from the service model's @http traits).
func scheduleOp(r *http.Request, name string, body []byte) (string, any, error) {
	op, ok := map[string]string{http.MethodPost: "CreateSchedule", http.MethodGet: "GetSchedule", http.MethodDelete: "DeleteSchedule"}[r.Method]
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", nil, apiErr("UnknownOperationException", "no operation at "+r.Method+" "+r.URL.Path, http.StatusNotFound)
	}
	data, err := parseJSON(body)
	if err != nil {
		return op, nil, apiErr("SerializationException", err.Error(), http.StatusBadRequest)
	}
	m, _ := data.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	m["Name"] = name
	if g := r.URL.Query().Get("groupName"); g != "" {
		m["GroupName"] = g
	}
	return op, m, nil
}
