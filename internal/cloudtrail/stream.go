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
	// tooBig is set by a fill that could not make room: the window is at
	// max and full of one value. Unlike err it is not sticky: a fill that
	// drops what it holds (skipping to the next line) clears it.
	tooBig bool
	// fixed marks a window that is the whole input (inflated in one
	// call): fill slides it by reslicing and never writes it.
	fixed bool
}

const (
	// 256 KiB keeps the window in L2 cache while the fast paths
	// search it several times.
	windowSize      = 256 << 10
	defaultMaxValue = 64 << 20
)

// exhausted reports whether no more input will arrive (end or read
// error; the error itself is reported by whoever needs the bytes).
func (s *stream) exhausted() bool { return s.eof || s.err != nil }

// fill drops buf[:keep] and reads at least one more byte unless the input
// is exhausted; it reports whether new data arrived.
func (s *stream) fill(keep int) bool {
	s.tooBig = false
	if s.fixed {
		// The whole input is in buf already: slide by reslicing.
		s.buf = s.buf[keep:]
		s.n -= keep
		s.base += int64(keep)
		return false
	}
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
			s.tooBig = true
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

// gzipState is the reusable part of opening an input: the read buffer
// and the inflater.
type gzipState struct {
	c  countingReader
	br *bufio.Reader
	z  *gzip.Reader
	gr gzipReader
}

// open returns r decompressed when it starts with the gzip magic bytes,
// and r as it is otherwise.
func (g *gzipState) open(r io.Reader) (io.Reader, error) {
	g.c = countingReader{r: r}
	if g.br == nil {
		g.br = bufio.NewReaderSize(&g.c, 64<<10)
	} else {
		g.br.Reset(&g.c)
	}
	magic, err := g.br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return g.br, nil
	}
	if g.z == nil {
		g.z, err = gzip.NewReader(g.br)
	} else {
		err = g.z.Reset(g.br)
	}
	if err != nil {
		return nil, &gzipError{g.c.n - int64(g.br.Buffered()), err}
	}
	g.gr = gzipReader{z: g.z, c: &g.c, br: g.br}
	return &g.gr, nil
}
