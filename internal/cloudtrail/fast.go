package cloudtrail

import (
	"bytes"

	"github.com/rootwatch/rootwatch/internal/bytesearch"
)

// The fast paths. On compact S3 log files and JSON Lines every record
// starts with {"eventVersion":"1 at a known place (after "},", or at a line
// start), so the decoder can count records and jump over the ones holding
// none of the candidate literals with two vectorised byte searches, and
// parse only the record a literal occurs in. Anything that does not look
// exactly like that is handed back to the validating path, which is slower
// but handles every shape.

// nextHit returns the offset of the first candidate literal at or after
// pos in the window, or an offset up to which there is none (the window
// length at most).
func (d *decoder) nextHit(pos int) int {
	if d.hitsValid && pos >= d.hitFrom && pos <= d.hit {
		return d.hit
	}
	b := d.s.buf[:d.s.n]
	// Search at most searchSpan ahead, so that the record walk that
	// follows finds the bytes still in cache (an input inflated in one
	// call is one huge window). Reporting the span's end as a hit is safe: the
	// record there is checked in full, and a literal cut by the span's
	// end lies inside that record.
	lim := min(len(b), pos+searchSpan)
	h := lim
	if j := d.lits.Index(b[pos:lim]); j >= 0 {
		h = pos + j
	}
	d.hitFrom, d.hit, d.hitsValid = pos, h, true
	return h
}

const searchSpan = 256 << 10

// isCandidate reports whether raw holds a candidate literal; without
// candidates every record is one.
func (d *decoder) isCandidate(raw []byte) bool {
	return d.lits == nil || d.lits.Index(raw) >= 0
}

// markerFinder finds record starts. The pair it searches by (the '{' and
// the 'V' seven bytes later) is far rarer than any single byte of the
// marker: one kernel call per record instead of an IndexByte per 'V'.
var markerFinder = bytesearch.New([][]byte{marker})

// nextMarker returns the offset of the next record start {"eventVersion":"
// at or after from, or -1.
func nextMarker(b []byte, from int) int {
	if from >= len(b) {
		return -1
	}
	if i := markerFinder.Index(b[from:]); i >= 0 {
		return from + i
	}
	return -1
}

// recordsFast skips, counting them, the records of a compact Records array
// from pos (a record start) that hold no candidate literal. It returns the
// start of the next element the validating path must handle: a candidate,
// the last record of the input, or anything unexpected.
func (d *decoder) recordsFast(pos int) (int, error) {
	for {
		b := d.s.buf[:d.s.n]
		h := d.nextHit(pos)
		last := pos
		for {
			// A marker starting after h is of no interest.
			nm := nextMarker(b[:min(len(b), h+len(marker))], last+1)
			if nm < 0 || nm > h {
				break
			}
			if nm < 2 || b[nm-1] != ',' || b[nm-2] != '}' {
				// Not the compact "},{" between records: let the
				// validating path look at the record at last.
				return last, nil
			}
			d.st.Records++
			last = nm
		}
		if h < len(b) || d.s.exhausted() {
			return last, nil
		}
		// No literal in the window: keep the unfinished record at last
		// and slide.
		if !d.fill(last) {
			return 0, nil
		}
		pos = 0
	}
}

// lines skips, counting them, the lines of a JSON Lines input from pos (a
// record start) that hold no candidate literal and look like one compact
// record. It returns where the validating path must take over: a
// candidate, a line that is not one compact record, or the end.
func (d *decoder) lines(pos int) (int, error) {
	d.setShape(ShapeLines)
	for {
		b := d.s.buf[:d.s.n]
		h := d.nextHit(pos)
		for {
			nl := bytes.IndexByte(b[pos:], '\n')
			if nl < 0 {
				break
			}
			end := pos + nl
			if h < end {
				return pos, nil
			}
			line := b[pos:end]
			for len(line) > 0 && isSpace(line[len(line)-1]) {
				line = line[:len(line)-1]
			}
			if !isRecordStart(line) || line[len(line)-1] != '}' {
				return pos, nil
			}
			d.st.Records++
			d.values++
			pos = end + 1
			// Blank lines between records are allowed.
			for pos < len(b) && isSpace(b[pos]) {
				pos++
			}
		}
		if d.s.exhausted() {
			return pos, nil
		}
		if !d.fill(pos) {
			return 0, nil // fill moved the window: pos is now 0
		}
		pos = 0
	}
}
