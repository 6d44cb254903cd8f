package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
)

// envelope collects the top-level keys that tell the shapes apart.
type envelope struct {
	record                          bool
	eventSource, eventType, typ     []byte
	detailType, detail              []byte
	awslogs, messageType, logEvents []byte
	records, sns, body, message     []byte
	s3, s3Bucket, s3ObjectKey       []byte
	digest, insight, testEvent      bool
}

func (e *envelope) key(key, val []byte) bool {
	switch string(key) {
	case "eventVersion", "eventName", "userIdentity", "eventTime", "eventID":
		e.record = true
	case "eventSource", "EventSource":
		e.eventSource = val
	case "eventType":
		e.eventType = val
	case "Type":
		e.typ = val
	case "detail-type":
		e.detailType = val
	case "detail":
		e.detail = val
	case "awslogs":
		e.awslogs = val
	case "messageType":
		e.messageType = val
	case "logEvents":
		e.logEvents = val
	case "Records":
		e.records = val
	case "Sns":
		e.sns = val
	case "body":
		e.body = val
	case "Message":
		e.message = val
	case "s3":
		e.s3 = val
	case "s3Bucket":
		e.s3Bucket = val
	case "s3ObjectKey":
		e.s3ObjectKey = val
	case "digestStartTime", "digestEndTime", "digestPublicKeyFingerprint":
		e.digest = true
	case "insightDetails":
		e.insight = true
	case "Event":
		e.testEvent = string(val) == `"s3:TestEvent"`
	}
	return true
}

// maxNesting bounds envelopes inside envelopes (SQS body → SNS message →
// S3 event is three).
const maxNesting = 6

// handleValue routes one complete JSON value at stream offset off.
func (d *decoder) handleValue(v []byte, off int64, depth int) error {
	if depth > maxNesting {
		return d.problemAt(off, "envelopes nested too deeply")
	}
	if len(v) == 0 {
		return d.problemAt(off, "empty value")
	}
	if v[0] == '[' {
		return d.elements(v, off, depth)
	}
	if v[0] != '{' {
		return d.problemAt(off, "expected a CloudTrail record or envelope (a JSON object), found "+quoteByte(v[0]))
	}
	if isRecordStart(v) {
		return d.record(v, off)
	}
	var e envelope
	if err := eachKey(v, e.key); err != nil {
		return d.problemAt(off, "invalid JSON object: "+err.Error())
	}
	switch {
	case e.detailType != nil:
		return d.eventBridge(&e, off, depth)
	case e.awslogs != nil:
		return d.awslogs(e.awslogs, off, depth)
	case e.messageType != nil:
		return d.logsMessage(&e, off, depth)
	case e.s3 != nil && string(e.eventSource) == `"aws:s3"`:
		return d.s3Notification(e.s3, off)
	case e.records != nil:
		return d.elements(e.records, off, depth)
	case e.sns != nil:
		return d.handleValue(e.sns, off, depth+1)
	case e.body != nil:
		return d.embedded(e.body, off, depth)
	case e.message != nil && (string(e.typ) == `"Notification"` || e.sns == nil):
		return d.embedded(e.message, off, depth)
	case e.s3Bucket != nil && e.s3ObjectKey != nil:
		return d.cloudTrailNotification(&e, off)
	case e.digest:
		d.setShape(ShapeDigest)
		d.st.Digests++
		return nil
	case e.insight || string(e.eventType) == `"AwsCloudTrailInsight"`:
		d.setShape(ShapeInsights)
		d.st.Insights++
		return nil
	case e.record:
		return d.record(v, off)
	case e.testEvent:
		d.st.Skipped++
		return nil
	}
	return d.problemAt(off, "JSON object is neither a CloudTrail record nor an envelope holding one")
}

func (d *decoder) problemAt(off int64, msg string) error {
	return d.problem(&DecodeError{Name: d.name, Offset: off, Msg: msg, Err: ErrNotCloudTrail})
}

// record counts and yields one CloudTrail record.
func (d *decoder) record(v []byte, off int64) error {
	if bytes.Contains(v, insightMark) {
		d.setShape(ShapeInsights)
		d.st.Insights++
		return nil
	}
	d.st.Records++
	if !d.isCandidate(v) || d.h.Record == nil {
		return nil
	}
	d.st.Yielded++
	return d.h.Record(v, off)
}

// elements routes each element of a JSON array value.
func (d *decoder) elements(arr []byte, off int64, depth int) error {
	i := skipSpace(arr, 1)
	if i < len(arr) && arr[i] == ']' {
		return nil
	}
	for i < len(arr) {
		i = skipSpace(arr, i)
		end, err := skipValue(arr, i)
		if err != nil {
			return d.problemAt(off, "invalid JSON array element")
		}
		if err := d.handleValue(arr[i:end], off+int64(i), depth+1); err != nil {
			return err
		}
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i++
			continue
		}
		break
	}
	return nil
}

// embedded decodes a JSON value carried as a JSON string (SQS body, SNS
// Message).
func (d *decoder) embedded(str []byte, off int64, depth int) error {
	var s string
	if err := json.Unmarshal(str, &s); err != nil {
		return d.problemAt(off, "envelope body is not a JSON string")
	}
	b := bytes.TrimSpace([]byte(s))
	if len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return d.problemAt(off, "envelope body is not JSON")
	}
	if _, err := skipValue(b, 0); err != nil {
		return d.problemAt(off, "envelope body is not valid JSON")
	}
	return d.handleValue(b, off, depth+1)
}

func (d *decoder) eventBridge(e *envelope, off int64, depth int) error {
	d.setShape(ShapeEventBridge)
	switch string(e.detailType) {
	case `"AWS API Call via CloudTrail"`, `"AWS Console Sign In via CloudTrail"`,
		`"AWS Service Event via CloudTrail"`, `"AWS Console Action via CloudTrail"`:
	case `"AWS Insight via CloudTrail"`:
		d.st.Insights++
		return nil
	default:
		return d.problemAt(off, "EventBridge event with detail-type "+string(e.detailType)+" is not a CloudTrail event")
	}
	if len(e.detail) == 0 || e.detail[0] != '{' {
		return d.problemAt(off, "EventBridge CloudTrail event without a detail object")
	}
	return d.record(e.detail, off)
}

// awslogs decodes a CloudWatch Logs subscription payload as Lambda gets
// it: {"awslogs":{"data": base64(gzip(JSON))}}.
func (d *decoder) awslogs(v []byte, off int64, depth int) error {
	var a struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(v, &a); err != nil || a.Data == "" {
		return d.problemAt(off, "awslogs envelope without a data string")
	}
	raw, err := base64.StdEncoding.DecodeString(a.Data)
	if err != nil {
		return d.problemAt(off, "awslogs.data is not base64: "+err.Error())
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return d.problemAt(off, "awslogs.data is not gzip: "+err.Error())
	}
	payload, err := io.ReadAll(io.LimitReader(zr, int64(d.s.max)+1))
	if err != nil {
		return d.problemAt(off, "awslogs.data: "+err.Error())
	}
	if len(payload) > d.s.max {
		return d.problemAt(off, "awslogs.data decompresses to more than the value limit")
	}
	payload = bytes.TrimSpace(payload)
	if _, err := skipValue(payload, 0); err != nil {
		return d.problemAt(off, "awslogs.data does not hold valid JSON")
	}
	return d.handleValue(payload, off, depth+1)
}

// logsMessage handles a decoded subscription payload: DATA_MESSAGE with
// logEvents[].message each holding a record, or CONTROL_MESSAGE.
func (d *decoder) logsMessage(e *envelope, off int64, depth int) error {
	d.setShape(ShapeLogsSubscription)
	if string(e.messageType) == `"CONTROL_MESSAGE"` {
		d.st.Skipped++
		return nil
	}
	var evs []struct {
		ID      string `json:"id"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(e.logEvents, &evs); err != nil {
		return d.problemAt(off, "logEvents is not an array of log events")
	}
	for _, ev := range evs {
		m := bytes.TrimSpace([]byte(ev.Message))
		if len(m) == 0 || m[0] != '{' {
			if err := d.problemAt(off, "log event "+ev.ID+" does not hold a JSON CloudTrail record"); err != nil {
				return err
			}
			continue
		}
		if end, err := skipValue(m, 0); err != nil || end != len(m) {
			if err := d.problemAt(off, "log event "+ev.ID+" holds invalid JSON"); err != nil {
				return err
			}
			continue
		}
		if err := d.handleValue(m, off, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// s3Notification handles one S3 event notification record.
func (d *decoder) s3Notification(v []byte, off int64) error {
	d.setShape(ShapeS3Notification)
	var s struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  string `json:"key"`
			Size int64  `json:"size"`
		} `json:"object"`
	}
	if err := json.Unmarshal(v, &s); err != nil || s.Bucket.Name == "" || s.Object.Key == "" {
		return d.problemAt(off, "S3 event notification without bucket name and object key")
	}
	// Keys in S3 notifications are URL-encoded, spaces as '+'.
	key, err := url.QueryUnescape(s.Object.Key)
	if err != nil {
		key = s.Object.Key
	}
	return d.object(ObjectRef{Bucket: s.Bucket.Name, Key: key, Size: s.Object.Size})
}

// cloudTrailNotification handles CloudTrail's own SNS "new log file"
// message: {"s3Bucket":"...","s3ObjectKey":["..."]}.
func (d *decoder) cloudTrailNotification(e *envelope, off int64) error {
	d.setShape(ShapeS3Notification)
	var bucket string
	var keys []string
	if json.Unmarshal(e.s3Bucket, &bucket) != nil || json.Unmarshal(e.s3ObjectKey, &keys) != nil {
		return d.problemAt(off, "CloudTrail notification without s3Bucket string and s3ObjectKey list")
	}
	for _, k := range keys {
		if err := d.object(ObjectRef{Bucket: bucket, Key: k}); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) object(o ObjectRef) error {
	d.st.Objects++
	if d.h.Object == nil {
		return nil
	}
	return d.h.Object(o)
}
