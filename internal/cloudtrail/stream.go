package cloudtrail

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// stream is a sliding window over the decoded input. Values are parsed in
// place; fill discards what the caller is done with and reads more, so
// memory stays at the window size (it grows only for a single value larger
// than the window, up to maxValue).
type stream struct {
	r    io.Reader
	buf  []byte
	n    int   // buf[:n] holds data
	base int64 // stream offset of buf[0]
	eof  bool
	err  error // read error other than EOF
	max  int
}

const (
	windowSize      = 1 << 20
	defaultMaxValue = 64 << 20
)

// fill drops buf[:keep] and reads at least one more byte unless the input
// is exhausted; it reports whether new data arrived.
func (s *stream) fill(keep int) bool {
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.n])
		s.n -= keep
		s.base += int64(keep)
	}
	if s.eof || s.err != nil {
		return false
	}
	if s.n == len(s.buf) {
		if len(s.buf) >= s.max {
			s.err = fmt.Errorf("a single JSON value is larger than %d bytes", s.max)
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.n])
		s.buf = nb
	}
	got := false
	// Read until the window is at least half full so the scanners see long
	// runs, but return as soon as anything arrived when the reader is slow.
	for s.n < len(s.buf) {
		m, err := s.r.Read(s.buf[s.n:])
		s.n += m
		if m > 0 {
			got = true
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.eof = true
			} else {
				s.err = err
			}
			break
		}
		if got && s.n >= len(s.buf)/2 {
			break
		}
	}
	return got
}

// countingReader counts bytes read from the underlying (compressed) input,
// so a gzip error can name the offset in the file as stored.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gzipError is a decompression failure at a compressed offset.
type gzipError struct {
	off int64
	err error
}

func (e *gzipError) Error() string { return "gzip: " + e.err.Error() }
func (e *gzipError) Unwrap() error { return e.err }

// gzipReader reports read errors with the compressed offset.
type gzipReader struct {
	z  *gzip.Reader
	c  *countingReader
	br *bufio.Reader
}

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("compressed data ends early: %w", ErrTruncated)
		}
		// The decompressor reads through br, so what br still buffers
		// has not been consumed yet.
		err = &gzipError{g.c.n - int64(g.br.Buffered()), err}
	}
	return n, err
}

// openDecoded returns r decompressed when it starts with the gzip magic
// bytes, and r as it is otherwise.
func openDecoded(r io.Reader) (io.Reader, error) {
	c := &countingReader{r: r}
	br := bufio.NewReaderSize(c, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, &gzipError{c.n, err}
		}
		return &gzipReader{z: z, c: c, br: br}, nil
	}
	return br, nil
}
