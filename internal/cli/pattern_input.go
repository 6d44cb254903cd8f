package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxEventBytes bounds one line-delimited event. CloudWatch Logs accepts
// events of at most 1 MB, so a longer line cannot be a log event.
const maxEventBytes = 1 << 20

// inputEvent is one event read for pattern test: a line, or one record of
// a CloudTrail log file line {"Records":[...]}.
type inputEvent struct {
	Data   []byte // valid until the callback returns
	Line   int    // 1-based line where the event (or its Records file) starts
	Record int    // 1-based index in Records, 0 for a plain line
}

// eventReader reads events from one input and reports, but survives,
// what it cannot read: an over-long line or a broken Records file is an
// error for that part only, and reading goes on at the next line.
type eventReader struct {
	br   *bufio.Reader
	line int // lines consumed so far
	buf  []byte
	// onError receives every problem with its position; reading continues.
	onError func(error)
}

// newEventReader wraps r, transparently decompressing gzip (CloudTrail
// delivers its S3 log files as .json.gz).
func newEventReader(r io.Reader, onError func(error)) (*eventReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	return &eventReader{br: br, onError: onError}, nil
}

// each calls fn for every event. It returns fn's first error, or an error
// reading the underlying input; format problems go to onError.
func (er *eventReader) each(fn func(inputEvent) error) error {
	for {
		if ok, skipped, multiline := er.recordsAhead(); ok {
			if err := er.records(skipped, multiline, fn); err != nil {
				return err
			}
			continue
		}
		data, err := er.readLine()
		if len(data) > 0 {
			if cbErr := fn(inputEvent{Data: data, Line: er.line}); cbErr != nil {
				return cbErr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// recordsAhead reports whether the input continues with a CloudTrail log
// file object, how many blank lines precede it, and whether it is pretty-
// printed (a line break between "{" and "Records"). CloudTrail writes its
// files on one line; only a pretty-printed file may span lines, so a broken
// one-line file never swallows the lines after it.
func (er *eventReader) recordsAhead() (ok bool, blank int, multiline bool) {
	b, _ := er.br.Peek(4096)
	i := 0
	for i < len(b) && isJSONSpace(b[i]) {
		if b[i] == '\n' {
			blank++
		}
		i++
	}
	if i >= len(b) || b[i] != '{' {
		return false, 0, false
	}
	for i++; i < len(b) && isJSONSpace(b[i]); i++ {
		if b[i] == '\n' {
			multiline = true
		}
	}
	return bytes.HasPrefix(b[i:], []byte(`"Records"`)), blank, multiline
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// readLine returns the next line without its line ending. Over-long lines
// are reported and dropped.
func (er *eventReader) readLine() ([]byte, error) {
	er.buf = er.buf[:0]
	tooLong := false
	for {
		chunk, err := er.br.ReadSlice('\n')
		if !tooLong {
			if len(er.buf)+len(chunk) > maxEventBytes+2 {
				tooLong = true
				er.buf = er.buf[:0]
			} else {
				er.buf = append(er.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(chunk) > 0 || err == nil {
			er.line++
		}
		if tooLong {
			er.onError(fmt.Errorf("line %d: longer than %d bytes, the CloudWatch Logs event size limit; skipped", er.line, maxEventBytes))
			if err != nil {
				return nil, err
			}
			return nil, nil
		}
		return bytes.TrimRight(er.buf, "\r\n"), err
	}
}

// records streams the records of a {"Records":[...]} object, one at a
// time, so a log file of any size needs the memory of one record.
func (er *eventReader) records(blank int, multiline bool, fn func(inputEvent) error) error {
	start := er.line + blank + 1
	lr := &lineChunkReader{br: er.br, lastLine: start - er.line}
	if multiline {
		lr.lastLine = 0
	}
	dec := json.NewDecoder(lr)
	total := 0
	var err error
	for {
		var n int
		n, err = decodeRecords(dec, func(i int, raw []byte) error {
			return fn(inputEvent{Data: raw, Line: start, Record: total + i})
		})
		total += n
		if err != nil {
			break
		}
		// The object ended; the line it ended on may hold another (zcat of
		// several log files, which end without a newline), nothing more.
		lr.stopAtEOL = true
		if !dec.More() {
			break
		}
		if next, _ := firstNonSpace(dec.Buffered()); next != '{' {
			err = errors.New("unexpected text after the closing }")
			break
		}
	}
	var cbErr *callbackError
	if errors.As(err, &cbErr) {
		return cbErr.err
	}
	// Anything left on the line is not part of a log file; after a broken
	// file, reading resumes at the next line.
	if next, ok := firstNonSpace(dec.Buffered()); ok && err == nil {
		err = fmt.Errorf("unexpected %q after the closing }", string(next))
	}
	junk, readErr := lr.finishLine()
	er.line += lr.lines
	if readErr != nil {
		return readErr
	}
	if junk && err == nil {
		err = errors.New("unexpected text after the closing }")
	}
	if lr.err != nil && !errors.Is(lr.err, io.EOF) {
		return lr.err
	}
	if err != nil {
		er.onError(fmt.Errorf("line %d: CloudTrail log file (after %d records): %w", start, total, err))
	}
	return nil
}

// firstNonSpace returns the first byte of r that is not JSON white space.
func firstNonSpace(r io.Reader) (byte, bool) {
	var b [1]byte
	for {
		if _, err := r.Read(b[:]); err != nil {
			return 0, false
		}
		if !isJSONSpace(b[0]) {
			return b[0], true
		}
	}
}

// callbackError carries the caller's error out of decodeRecords untouched.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

// decodeRecords walks {"Records":[r1, r2, ...], ...} token by token and
// calls fn with each record's raw JSON. It returns how many records it
// delivered.
func decodeRecords(dec *json.Decoder, fn func(i int, raw []byte) error) (int, error) {
	n := 0
	if err := expectDelim(dec, '{'); err != nil {
		return n, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return n, err
		}
		key, _ := tok.(string)
		if key != "Records" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return n, err
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return n, fmt.Errorf("the value of Records: %w", err)
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return n, fmt.Errorf("record %d: %w", n+1, err)
			}
			n++
			if err := fn(n, raw); err != nil {
				return n, &callbackError{err}
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return n, err
		}
	}
	return n, expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("at byte %d: %w", dec.InputOffset(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("at byte %d: expected %q, found %v", dec.InputOffset(), want, tok)
	}
	return nil
}

// lineChunkReader hands a bufio.Reader to a json.Decoder at most one line
// at a time, so the decoder never reads beyond the line where the object
// it decodes ends, and counts the lines it hands over.
type lineChunkReader struct {
	br      *bufio.Reader
	pending []byte
	lines   int
	endedNL bool // the last chunk handed over ended a line
	err     error
	// lastLine, when not 0, is the number of lines to hand over before
	// reporting io.EOF (a one-line log file).
	lastLine int
	// stopAtEOL reports io.EOF at the end of the current line.
	stopAtEOL bool
}

func (r *lineChunkReader) Read(p []byte) (int, error) {
	if len(r.pending) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.endedNL && (r.stopAtEOL || r.lastLine > 0 && r.lines >= r.lastLine) {
			return 0, io.EOF
		}
		chunk, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			err = nil
		}
		r.err = err
		r.pending = chunk
		r.endedNL = len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
		if r.endedNL || (len(chunk) > 0 && err != nil) {
			r.lines++
		}
		if len(chunk) == 0 {
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// finishLine consumes what remains of the current line after the decoder
// stopped: the part of the last chunk not handed over and, when that chunk
// did not end the line, the input up to the next newline. It reports
// whether any of it is not white space.
func (r *lineChunkReader) finishLine() (bool, error) {
	junk := len(bytes.TrimSpace(r.pending)) > 0
	r.pending = nil
	if r.endedNL || r.err != nil {
		// The line is over (or the input is; r.err is reported by the
		// caller).
		return junk, nil //nolint:nilerr // r.err is sticky and the caller reports it once the line is accounted for
	}
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(bytes.TrimSpace(chunk)) > 0 {
			junk = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(chunk) > 0 {
			r.lines++
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return junk, err
	}
}
