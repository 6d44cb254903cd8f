// Package lambdamode runs rootwatch as an AWS Lambda function
// (provided.al2023): it takes EventBridge events (root API calls and
// console sign-ins), SQS batches (with partial batch failure responses),
// CloudWatch Logs subscription payloads and S3 notifications, runs the
// same detection, enrichment and notifiers as `rootwatch watch`, and
// publishes to SNS. It keeps no state between invocations: alert IDs are
// stable, so a retried invocation re-sends alerts receivers can dedup.
package lambdamode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/route"
)

// S3API fetches the CloudTrail log files S3 notifications point at.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// Options are the handler's collaborators.
type Options struct {
	Detector  *detect.Detector
	Notifiers *build.Set
	Enricher  *enrich.Enricher // optional
	S3        S3API            // optional: without it S3 notifications fail
	Now       func() time.Time
	Logger    *slog.Logger
}

// Handler is the Lambda function. It is safe for concurrent use.
type Handler struct {
	o Options
}

// New checks the options and returns a Handler.
func New(o Options) (*Handler, error) {
	if o.Detector == nil {
		return nil, errors.New("lambda: no detector")
	}
	if o.Notifiers == nil || len(o.Notifiers.Targets) == 0 {
		return nil, errors.New("lambda: no notifier configured (set ROOTWATCH_SNS_TOPIC_ARN or ROOTWATCH_NOTIFY)")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o}, nil
}

// Result is what one payload produced.
type Result struct {
	Records int64         // CloudTrail records read
	Alerts  []alert.Alert // alerts raised (and delivered, when err is nil)
}

// Invoke is the Lambda entry point. SQS batches answer with the messages
// that failed (ReportBatchItemFailures), so one bad message does not
// redeliver the whole batch; anything else fails the invocation as a whole
// so that Lambda retries it and, in the end, sends it to the dead-letter
// queue: an alert is never dropped silently.
func (h *Handler) Invoke(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	if batch, ok := sqsBatch(payload); ok {
		resp := h.sqs(ctx, batch)
		return json.Marshal(resp)
	}
	res, err := h.Process(ctx, "invocation", payload)
	h.o.Logger.Info("invocation done", "records", res.Records, "alerts", len(res.Alerts), "error", err)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"records": res.Records, "alerts": len(res.Alerts)})
}

// sqsBatch recognises an SQS event: Records whose eventSource is aws:sqs.
func sqsBatch(payload []byte) (events.SQSEvent, bool) {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
	}
	if json.Unmarshal(payload, &probe) != nil || len(probe.Records) == 0 || probe.Records[0].EventSource != "aws:sqs" {
		return events.SQSEvent{}, false
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return events.SQSEvent{}, false
	}
	return ev, true
}

func (h *Handler) sqs(ctx context.Context, batch events.SQSEvent) events.SQSEventResponse {
	var resp events.SQSEventResponse
	for _, m := range batch.Records {
		res, err := h.Process(ctx, "sqs message "+m.MessageId, []byte(m.Body))
		if err != nil {
			h.o.Logger.Warn("message failed; SQS will redeliver it", "message_id", m.MessageId, "error", err)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		h.o.Logger.Info("message done", "message_id", m.MessageId, "records", res.Records, "alerts", len(res.Alerts))
	}
	return resp
}

// Process decodes one payload of any supported shape, detects, and
// delivers the alerts.
func (h *Handler) Process(ctx context.Context, name string, payload []byte) (Result, error) {
	var (
		raws     [][]byte
		objects  []cloudtrail.ObjectRef
		problems []error
	)
	hd := cloudtrail.Handler{
		Record: func(raw []byte, _ int64) error {
			raws = append(raws, bytes.Clone(raw))
			return nil
		},
		Object:  func(o cloudtrail.ObjectRef) error { objects = append(objects, o); return nil },
		Problem: func(e *cloudtrail.DecodeError) { problems = append(problems, e) },
	}
	st, err := cloudtrail.DecodeStream(bytes.NewReader(payload), name, cloudtrail.Options{}, hd)
	if err != nil {
		return Result{}, fmt.Errorf("decode %s: %w", name, err)
	}
	for _, o := range objects {
		n, err := h.object(ctx, o, hd)
		st.Records += n
		if err != nil {
			return Result{Records: st.Records}, err
		}
	}
	if len(problems) > 0 && len(raws) == 0 {
		return Result{}, fmt.Errorf("decode %s: %w", name, errors.Join(problems...))
	}
	for _, p := range problems {
		h.o.Logger.Warn("skipped a bad part of the payload", "error", p)
	}
	res := Result{Records: st.Records}
	alerts, err := h.detect(name, raws)
	if err != nil {
		return res, err
	}
	res.Alerts = alerts
	return res, h.deliver(ctx, alerts)
}

func (h *Handler) object(ctx context.Context, o cloudtrail.ObjectRef, hd cloudtrail.Handler) (int64, error) {
	if h.o.S3 == nil {
		return 0, fmt.Errorf("s3://%s/%s: no S3 client configured", o.Bucket, o.Key)
	}
	out, err := h.o.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: &o.Bucket, Key: &o.Key})
	if err != nil {
		return 0, fmt.Errorf("get s3://%s/%s: %w", o.Bucket, o.Key, err)
	}
	defer func() { _ = out.Body.Close() }()
	st, err := cloudtrail.DecodeStream(out.Body, "s3://"+o.Bucket+"/"+o.Key, cloudtrail.Options{}, hd)
	if err != nil {
		return st.Records, fmt.Errorf("decode s3://%s/%s: %w", o.Bucket, o.Key, err)
	}
	return st.Records, nil
}

// detect runs the rules and groups this payload's matches into sessions
// (same rule, account, source IP and identity), one alert each.
func (h *Handler) detect(name string, raws [][]byte) ([]alert.Alert, error) {
	var (
		col      detect.Collector // bounded work per payload, as watch's batches
		unjudged int
		firstBad error
	)
	for _, raw := range raws {
		ms, err := h.o.Detector.Detect(raw)
		if errors.Is(err, cloudtrail.ErrMalformedRecord) {
			// Failing the payload would hold back the alerts of every
			// other record of it on each retry: the malformed ones
			// become one alert of their own, as in watch.
			if unjudged++; firstBad == nil {
				firstBad = err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("detect: %w", err)
		}
		for _, m := range ms {
			col.Add(m)
		}
	}
	groups := map[string][]detect.Match{}
	var order []string
	for _, m := range col.Matches() {
		k := detect.GroupKey(m)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	now := h.o.Now()
	alerts := make([]alert.Alert, 0, len(order))
	for _, k := range order {
		alerts = append(alerts, detect.EventAlert(groups[k], now))
	}
	alerts = append(alerts, col.Overflow(name, now)...)
	if unjudged > 0 {
		a := detect.UnreadableAlert("lambda", name, fmt.Sprintf("%d of its records cannot be judged (first: %v)", unjudged, firstBad), now)
		a.Details[route.DetailLevel] = route.LevelError.String()
		alerts = append(alerts, a)
	}
	return alerts, nil
}

// deliver sends every alert to every notifier its routes choose. All are
// tried; any failure fails the payload so it is retried.
func (h *Handler) deliver(ctx context.Context, alerts []alert.Alert) error {
	var errs []error
	for i := range alerts {
		a := &alerts[i]
		if h.o.Enricher != nil {
			h.o.Enricher.Enrich(ctx, a)
		}
		for _, t := range h.o.Notifiers.Route(*a) {
			if err := t.Notifier.Notify(ctx, *a); err != nil {
				errs = append(errs, fmt.Errorf("notify %s (%s) of alert %s: %w", t.Name, t.Where, a.ID, err))
				continue
			}
			h.o.Logger.Info("alert sent", "alert_id", a.ID, "notifier", t.Name, "event", a.EventName, "account", a.Account)
		}
	}
	return errors.Join(errs...)
}
