package source

import (
	"bytes"
	"io"
	"log/slog"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// records iterates a payload of any CloudTrail shape (S3 log file, JSON
// Lines, EventBridge event, CloudWatch Logs subscription payload), gzip or
// not, with scan's decoder.
// A bad element inside otherwise good input (one broken line of a JSON
// Lines file) is logged with its offset and decoding goes on; an input that
// cannot be read at all fails the batch.
func records(r io.Reader, name string, log *slog.Logger) func(fn func(raw []byte) error) error {
	return func(fn func(raw []byte) error) error {
		_, err := cloudtrail.DecodeStream(r, name, cloudtrail.Options{}, cloudtrail.Handler{
			Record: func(raw []byte, _ int64) error { return fn(raw) },
			Problem: func(e *cloudtrail.DecodeError) {
				log.Warn("skipped bad CloudTrail element", "input", name, "offset", e.Offset, "error", e.Error())
			},
		})
		return err
	}
}

func recordsOf(b []byte, name string, log *slog.Logger) func(fn func(raw []byte) error) error {
	return func(fn func(raw []byte) error) error { return records(bytes.NewReader(b), name, log)(fn) }
}
