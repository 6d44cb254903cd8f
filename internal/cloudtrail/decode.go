package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/rootwatch/rootwatch/internal/bytesearch"
)

// Handler receives what a decode finds. Raw slices passed to Record are
// valid only during the call: copy what you keep.
type Handler struct {
	// Record gets each CloudTrail record (or, with Options.Candidates,
	// each record the prefilter could not rule out) and its offset in the
	// decoded stream. Returning an error stops the decode with it.
	Record func(raw []byte, off int64) error
	// Object gets each S3 object an event notification points at. When
	// nil, notifications are counted and skipped.
	Object func(ObjectRef) error
	// Problem gets non-fatal errors (one bad line of a JSON Lines file,
	// one non-CloudTrail element); decoding goes on after them. When nil
	// they are counted only.
	Problem func(*DecodeError)
}

// Options tune a decode.
type Options struct {
	// Candidates, when set, lets the decoder skip records whose raw bytes
	// contain none of these literals and no \u escape (which could spell
	// one of them): only candidates reach Handler.Record, every record is
	// still counted. This is the fast path: on compact S3 log files and
	// JSON Lines the skipped records are never parsed at all.
	Candidates [][]byte
	// MaxValue bounds one JSON value held in memory (0 = 64 MiB).
	MaxValue int
	// MaxProblems stops a decode after this many non-fatal errors
	// (0 = 100): past that the input is not what we think it is.
	MaxProblems int
	// Window is the initial read window (0 = 256 KiB); it still grows for a
	// larger value. Callers decoding many small payloads (one EventBridge
	// event per HTTP request) pass the payload size to spare the
	// allocation.
	Window int
}

// Decode reads CloudTrail data of any supported shape from r (gzip or
// not) and calls fn with each raw record. name labels errors.
func Decode(r io.Reader, name string, fn func(raw []byte) error) (Stats, error) {
	return DecodeStream(r, name, Options{}, Handler{Record: func(raw []byte, _ int64) error { return fn(raw) }})
}

// DecodeStream is Decode with options and a full handler. A fatal input
// error is a *DecodeError naming the offset; errors from the handler are
// returned as they are.
func DecodeStream(r io.Reader, name string, opt Options, h Handler) (Stats, error) {
	return new(Decoder).Decode(r, name, opt, h)
}

// Decoder decodes inputs one after another, keeping its window and gzip
// state between them: a scan worker holds one so thousands of small log
// files do not each allocate (and zero) a fresh window and inflater. A
// Decoder is not safe for concurrent use.
type Decoder struct {
	buf []byte
	gz  gzipState
	// The Finder for the candidates last given, kept because a scan
	// passes the same ones for every input.
	finder     *bytesearch.Finder
	finderLits [][]byte
	// whole inflates a gzip input in one call (libdeflate builds only).
	whole wholeInflater
}

// finderFor returns CandidateFinder(cands), built once for a run of
// inputs with the same candidates.
func (dec *Decoder) finderFor(cands [][]byte) *bytesearch.Finder {
	if dec.finder == nil || !slices.EqualFunc(dec.finderLits, cands, bytes.Equal) {
		dec.finder = CandidateFinder(cands)
		dec.finderLits = cands
	}
	return dec.finder
}

// CandidateFinder finds in a record's raw JSON any of the candidate
// literals, or the \u escape that could spell one of them: a record with
// neither cannot match. It also finds insightMark, so that the fast paths
// hand every Insights event to record(), which counts it as one instead
// of as a record. It is nil without candidates (every record is one).
func CandidateFinder(cands [][]byte) *bytesearch.Finder {
	if len(cands) == 0 {
		return nil
	}
	return bytesearch.New(append(append([][]byte{}, cands...), []byte(`\u`), insightMark))
}

// insightMark is in every CloudTrail Insights event (its eventType) and
// in no other record CloudTrail writes.
var insightMark = []byte(`"AwsCloudTrailInsight"`)

// Decode is DecodeStream reusing d's buffers.
func (dec *Decoder) Decode(r io.Reader, name string, opt Options, h Handler) (Stats, error) {
	d := &decoder{name: name, opt: opt, h: h}
	if d.opt.MaxProblems == 0 {
		d.opt.MaxProblems = 100
	}
	if len(opt.Candidates) > 0 {
		d.lits = dec.finderFor(opt.Candidates)
	}
	whole, r := dec.whole.inflate(r)
	if whole != nil {
		// Inflated in one call: decoded in place, the window is the
		// whole input.
		d.s = stream{buf: whole, n: len(whole), eof: true, fixed: true, max: len(whole)}
		err := d.run()
		d.st.Bytes = d.s.base + int64(d.s.n)
		return d.st, err
	}
	dr, err := dec.gz.open(r)
	if err != nil {
		return d.st, d.wrapRead(err)
	}
	max := opt.MaxValue
	if max == 0 {
		max = defaultMaxValue
	}
	win := windowSize
	if opt.Window > 0 && opt.Window < win {
		win = opt.Window
	}
	if len(dec.buf) < win || len(dec.buf) > 4*windowSize {
		dec.buf = make([]byte, win)
	}
	d.s = stream{r: dr, buf: dec.buf, max: max}
	err = d.run()
	dec.buf = d.s.buf // keep a window that grew
	d.st.Bytes = d.s.base + int64(d.s.n)
	var de *DecodeError
	if gr, ok := dr.(*gzipReader); ok && errors.As(err, &de) && !de.Compressed {
		// Corrupt deflate data often decodes to garbage before the CRC
		// check fails: if the rest of the member does not check out,
		// the gzip error is the one to report.
		if _, gerr := io.Copy(io.Discard, gr); gerr != nil {
			return d.st, d.wrapRead(gerr)
		}
	}
	return d.st, err
}

type decoder struct {
	name string
	opt  Options
	h    Handler
	s    stream
	st   Stats
	// lits finds the candidate literals; nil means every record is one.
	lits *bytesearch.Finder
	// There is no literal in buf[hitFrom:hit], and hit is one or the end
	// of the span searched; valid until the window moves.
	hitFrom, hit int
	hitsValid    bool
	values       int // top-level values seen
}

func (d *decoder) errAt(off int, msg string, err error) *DecodeError {
	return &DecodeError{Name: d.name, Offset: d.s.base + int64(off), Msg: msg, Err: err}
}

func (d *decoder) wrapRead(err error) error {
	var ge *gzipError
	if errors.As(err, &ge) {
		return &DecodeError{Name: d.name, Offset: ge.off, Compressed: true, Err: ge}
	}
	return &DecodeError{Name: d.name, Offset: d.s.base + int64(d.s.n), Msg: "read", Err: err}
}

func (d *decoder) fill(keep int) bool {
	d.hitsValid = false
	return d.s.fill(keep)
}

// readErr is the error to report once the window cannot grow: a read or
// gzip failure, else truncation at the end.
func (d *decoder) readErr(what string) error {
	if d.s.tooBig {
		return d.errAt(0, fmt.Sprintf("a single JSON value is larger than %d bytes", d.s.max), ErrTooLarge)
	}
	if d.s.err != nil {
		return d.wrapRead(d.s.err)
	}
	return d.errAt(d.s.n, what, ErrTruncated)
}

// space skips white space from pos, reading more as needed. It returns
// the new position and false at the end of the input.
func (d *decoder) space(pos int) (int, bool) {
	for {
		pos = skipSpace(d.s.buf[:d.s.n], pos)
		if pos < d.s.n {
			return pos, true
		}
		if !d.fill(pos) {
			return 0, false
		}
		pos = 0
	}
}

// need makes sure buf[pos:pos+k] is loaded when the input has it; it
// returns the (possibly moved) position.
func (d *decoder) need(pos, k int) int {
	for d.s.n-pos < k && !d.s.eof && d.s.err == nil {
		d.fill(pos)
		pos = 0
	}
	return pos
}

// value returns the bounds of the complete JSON value at pos.
func (d *decoder) value(pos int) (int, int, error) {
	for {
		end, err := skipValue(d.s.buf[:d.s.n], pos)
		if err == nil {
			return pos, end, nil
		}
		if errors.Is(err, errIncomplete) {
			more := d.fill(pos)
			pos = 0 // fill moved the window either way
			if more {
				continue
			}
			return pos, 0, d.readErr("input ends inside a JSON value")
		}
		var se *syntaxError
		if errors.As(err, &se) {
			return pos, 0, d.errAt(se.off, se.msg, nil)
		}
		return pos, 0, d.errAt(pos, "", err)
	}
}

func (d *decoder) problem(e *DecodeError) error {
	d.st.Problems++
	if d.h.Problem != nil {
		d.h.Problem(e)
	}
	if d.st.Problems >= int64(d.opt.MaxProblems) {
		return d.errAt(0, "too many errors, giving up on this input", e)
	}
	return nil
}

var (
	recordsKey = []byte(`"Records"`)
	marker     = []byte(`{"eventVersion":"`)
)

// isRecordStart reports whether b starts like a CloudTrail record as the
// fast paths know it: the marker, then an eventVersion starting with 1.
func isRecordStart(b []byte) bool {
	return len(b) > len(marker) && bytes.HasPrefix(b, marker) && b[len(marker)] == '1'
}

// run decodes the top level: a sequence of JSON values (one for a file,
// many for JSON Lines or concatenated payloads).
func (d *decoder) run() error {
	pos := d.need(0, 3)
	if bytes.HasPrefix(d.s.buf[pos:d.s.n], []byte("\xef\xbb\xbf")) {
		pos += 3 // a UTF-8 byte order mark, as Windows tools write
	}
	for {
		var ok bool
		if pos, ok = d.space(pos); !ok {
			if d.s.err != nil {
				return d.wrapRead(d.s.err)
			}
			if d.values == 0 && d.st.Shape == ShapeUnknown {
				return d.errAt(0, "empty input, expected CloudTrail JSON", ErrNotCloudTrail)
			}
			return nil
		}
		d.values++
		c := d.s.buf[pos]
		base := d.s.base
		switch {
		case c == '[':
			d.setShape(ShapeArray)
			var err error
			if pos, err = d.array(pos); err != nil {
				return err
			}
			continue
		case c == '{':
			pos = d.need(pos, 64)
			if d.isRecordsWrapper(pos) {
				var err error
				if pos, err = d.wrapper(pos); err != nil {
					return err
				}
				continue
			}
			if d.values > 1 {
				d.setShape(ShapeLines)
			}
			if d.lits != nil && isRecordStart(d.s.buf[pos:d.s.n]) {
				np, err := d.lines(pos)
				if err != nil {
					return err
				}
				if np != pos || d.s.base != base {
					pos = np
					continue
				}
			}
		default:
			if d.values == 1 {
				return d.errAt(pos, "expected CloudTrail JSON, found "+quoteByte(c), ErrNotCloudTrail)
			}
		}
		start, end, err := d.value(pos)
		if err != nil {
			// A line too long to hold is skipped like a bad line; the
			// first value only when it starts like a compact record (a
			// JSON Lines file), not a huge document, whose later lines
			// would each be noise.
			tooBig := errors.Is(err, ErrTooLarge) && (d.values > 1 || isRecordStart(d.s.buf[start:d.s.n]))
			if d.values == 1 && !tooBig {
				return err
			}
			var de *DecodeError
			if !errors.As(err, &de) || errors.Is(err, ErrTruncated) && d.s.err != nil {
				return err
			}
			if tooBig {
				de.Msg += "; skipped to the next line"
			}
			if perr := d.problem(de); perr != nil {
				return perr
			}
			// Resynchronise on the next line: JSON Lines keep one
			// value a line, so one bad line loses nothing else.
			if pos, ok = d.nextLine(start); !ok {
				return nil
			}
			continue
		}
		if err := d.handleValue(d.s.buf[start:end], d.s.base+int64(start), 0); err != nil {
			return err
		}
		pos = end
	}
}

// nextLine returns the start of the line after pos, or false at the end.
func (d *decoder) nextLine(pos int) (int, bool) {
	for {
		if i := bytes.IndexByte(d.s.buf[pos:d.s.n], '\n'); i >= 0 {
			return pos + i + 1, true
		}
		if !d.fill(d.s.n) {
			return 0, false
		}
		pos = 0
	}
}

// setShape records the shape of the input: containers (S3 log file,
// array, lines) give way to what they turn out to hold (notifications,
// EventBridge events, subscription payloads, digests, Insights).
func (d *decoder) setShape(s Shape) {
	container := func(s Shape) bool { return s == ShapeS3Log || s == ShapeArray || s == ShapeLines }
	if d.st.Shape == ShapeUnknown || container(d.st.Shape) && !container(s) || d.st.Shape == ShapeLines && s != ShapeLines {
		d.st.Shape = s
	}
}

// isRecordsWrapper reports whether the object at pos starts with the key
// "Records" holding an array: the S3 log file (and S3/SNS/SQS event)
// wrapper, which is streamed rather than loaded whole.
func (d *decoder) isRecordsWrapper(pos int) bool {
	b := d.s.buf[:d.s.n]
	i := skipSpace(b, pos+1)
	if !bytes.HasPrefix(b[i:], recordsKey) {
		return false
	}
	i = skipSpace(b, i+len(recordsKey))
	if i >= len(b) || b[i] != ':' {
		return false
	}
	i = skipSpace(b, i+1)
	return i < len(b) && b[i] == '['
}

// wrapper streams {"Records":[...], ...} at pos and returns the position
// after it.
func (d *decoder) wrapper(pos int) (int, error) {
	b := d.s.buf[:d.s.n]
	i := skipSpace(b, pos+1) + len(recordsKey)
	i = skipSpace(b, i)
	i = skipSpace(b, i+1) // past ':'
	d.setShape(ShapeS3Log)
	i, err := d.array(i)
	if err != nil {
		return 0, err
	}
	// Any keys after Records are skipped; then the closing brace.
	for {
		var ok bool
		if i, ok = d.space(i); !ok {
			return 0, d.readErr("input ends inside the Records object, expected '}'")
		}
		switch d.s.buf[i] {
		case '}':
			return i + 1, nil
		case ',':
			i++
			if i, ok = d.space(i); !ok {
				return 0, d.readErr("input ends inside the Records object")
			}
			_, end, err := d.value(i) // the key
			if err != nil {
				return 0, err
			}
			if end, ok = d.space(end); !ok || d.s.buf[end] != ':' {
				return 0, d.errAt(end, "expected ':' after object key", nil)
			}
			_, end, err = d.value(end + 1)
			if err != nil {
				return 0, err
			}
			i = end
		default:
			return 0, d.errAt(i, "expected ',' or '}' after the Records array, found "+quoteByte(d.s.buf[i]), nil)
		}
	}
}

// array streams the elements of the array that opens at pos and returns
// the position after its closing bracket.
func (d *decoder) array(pos int) (int, error) {
	pos++
	first := true
	for {
		var ok bool
		if pos, ok = d.space(pos); !ok {
			return 0, d.readErr("input ends inside an array, expected ']'")
		}
		c := d.s.buf[pos]
		if c == ']' {
			return pos + 1, nil
		}
		if !first {
			if c != ',' {
				return 0, d.errAt(pos, "expected ',' or ']' in array, found "+quoteByte(c), nil)
			}
			if pos, ok = d.space(pos + 1); !ok {
				return 0, d.readErr("input ends inside an array")
			}
		}
		first = false
		if d.lits != nil {
			pos = d.need(pos, len(marker)+1)
			if isRecordStart(d.s.buf[pos:d.s.n]) {
				var err error
				if pos, err = d.recordsFast(pos); err != nil {
					return 0, err
				}
				// recordsFast stops at an element it leaves to us.
			}
		}
		start, end, err := d.value(pos)
		if err != nil {
			return 0, err
		}
		if err := d.handleValue(d.s.buf[start:end], d.s.base+int64(start), 0); err != nil {
			return 0, err
		}
		pos = end
	}
}
