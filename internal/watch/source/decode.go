package source

import (
	"bytes"
	"io"
	"log/slog"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// decodeFunc decodes a payload of any CloudTrail shape scan reads (S3 log
// file, JSON array, JSON Lines, EventBridge event, CloudWatch Logs
// subscription payload, S3/SNS/SQS notification), gzip or not.
//
// Elements that are not CloudTrail (one broken line, an unknown envelope)
// are logged with their offset and decoding goes on, so nothing around
// them is lost; the first of them is then returned as the batch's error,
// which the pipeline treats as bad input: what was read is recorded, and
// the source counts the input as poison (leaves the SQS message for the
// dead-letter queue, answers 400, logs the file).
func decodeFunc(r io.Reader, size int, name string, log *slog.Logger, object func(cloudtrail.ObjectRef, func([]byte) error) error) func(fn func(raw []byte) error) error {
	return func(fn func(raw []byte) error) error {
		var first *cloudtrail.DecodeError
		h := cloudtrail.Handler{
			Record: func(raw []byte, _ int64) error { return fn(raw) },
			Problem: func(e *cloudtrail.DecodeError) {
				log.Warn("skipped input that is not CloudTrail", "input", name, "offset", e.Offset, "error", e.Error())
				if first == nil {
					first = e
				}
			},
		}
		if object != nil {
			h.Object = func(o cloudtrail.ObjectRef) error { return object(o, fn) }
		}
		if _, err := cloudtrail.DecodeStream(r, name, cloudtrail.Options{Window: size}, h); err != nil {
			return err
		}
		if first != nil {
			return first
		}
		return nil
	}
}

func records(r io.Reader, name string, log *slog.Logger) func(fn func(raw []byte) error) error {
	return decodeFunc(r, 0, name, log, nil)
}

// recordsOf decodes an in-memory payload with a window of its own size
// (it grows if the payload is compressed), so a small request does not
// cost the 1 MiB window a log file needs.
func recordsOf(b []byte, name string, log *slog.Logger) func(fn func(raw []byte) error) error {
	return func(fn func(raw []byte) error) error {
		return decodeFunc(bytes.NewReader(b), len(b)+512, name, log, nil)(fn)
	}
}
