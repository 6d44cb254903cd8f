package cloudtrail

import (
	"encoding/json"
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

// ErrMalformedRecord marks a record that holds what a rule looks for but is
// not well-formed JSON: an invalid escape or a malformed number, which the
// decoders' structural skip lets through. CloudTrail never writes one, and
// no JSON filter pattern can judge it, so it is reported, never taken for a
// record that does not match.
var ErrMalformedRecord = errors.New("record is not well-formed JSON and cannot be judged")

// MalformedRecordError is ErrMalformedRecord with where the JSON breaks.
type MalformedRecordError struct {
	// Offset is the byte offset in the record where it stops being JSON,
	// -1 when unknown.
	Offset int64
	Reason string
}

func (e *MalformedRecordError) Error() string {
	if e.Offset < 0 {
		return ErrMalformedRecord.Error()
	}
	return fmt.Sprintf("%s: byte %d of the record: %s", ErrMalformedRecord, e.Offset, e.Reason)
}

func (e *MalformedRecordError) Unwrap() error { return ErrMalformedRecord }

// Malformed describes why raw, a record a filter pattern could not judge,
// is not well-formed JSON.
func Malformed(raw []byte) *MalformedRecordError {
	var v struct{}
	var se *json.SyntaxError
	if err := json.Unmarshal(raw, &v); errors.As(err, &se) {
		// encoding/json counts the offset past the byte it rejects.
		return &MalformedRecordError{Offset: max(se.Offset-1, 0), Reason: se.Error()}
	}
	return &MalformedRecordError{Offset: -1}
}
