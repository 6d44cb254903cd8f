package cloudtrail

import (
	"errors"
	"fmt"
)

// DecodeError is bad input at a known place: the file (or object) name,
// the byte offset, and what was expected there. Offset counts bytes of the
// decompressed stream unless Compressed is set, when it counts bytes of the
// file as stored (a corrupt gzip member).
type DecodeError struct {
	Name       string
	Offset     int64
	Compressed bool
	Msg        string
	Err        error
}

func (e *DecodeError) Error() string {
	where := "byte"
	if e.Compressed {
		where = "compressed byte"
	}
	msg := e.Msg
	if e.Err != nil {
		if msg == "" {
			msg = e.Err.Error()
		} else {
			msg += ": " + e.Err.Error()
		}
	}
	return fmt.Sprintf("%s: %s %d: %s", e.Name, where, e.Offset, msg)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrNotCloudTrail marks input that is valid JSON but holds no CloudTrail
// shape rootwatch knows.
var ErrNotCloudTrail = errors.New("not CloudTrail data")

// ErrTruncated marks input that ends inside a value.
var ErrTruncated = errors.New("truncated input")

// ErrTooLarge marks a single JSON value (one line of JSON Lines) larger
// than Options.MaxValue. JSON Lines resume at the next line after it.
var ErrTooLarge = errors.New("value larger than the size limit")
