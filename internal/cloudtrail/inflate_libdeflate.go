//go:build libdeflate && cgo

package cloudtrail

/*
#cgo LDFLAGS: -ldeflate
#include <libdeflate.h>
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing/iotest"
	"unsafe"
)

// The libdeflate build (go build -tags libdeflate, cgo, Debian's
// libdeflate-dev) inflates a gzip input in one libdeflate call, about
// twice as fast as klauspost/compress, and decodes the result in place.
// libdeflate has no streaming interface, so this is only for inputs whose
// inflated size (the gzip trailer's ISIZE) is at most wholeMax, which
// every CloudTrail log file is; anything larger, multi-member or corrupt
// goes through the streaming path as in the pure-Go build, which also
// reports errors the same way.
const (
	wholeMax           = 64 << 20
	wholeMaxCompressed = 16 << 20
)

type wholeInflater struct {
	d         *C.struct_libdeflate_decompressor
	in, out   []byte
	inflated  int  // inputs inflated in one call (for tests)
	streaming bool // never inflate whole (tests' reference)
}

// inflate returns r's input inflated in one call, or a reader with the
// same bytes for the streaming path.
func (w *wholeInflater) inflate(r io.Reader) ([]byte, io.Reader) {
	if w.streaming {
		return nil, r
	}
	if w.d == nil {
		if w.d = C.libdeflate_alloc_decompressor(); w.d == nil {
			return nil, r
		}
		runtime.AddCleanup(w, func(d *C.struct_libdeflate_decompressor) { C.libdeflate_free_decompressor(d) }, w.d)
	}
	var magic [2]byte
	n, err := io.ReadFull(r, magic[:])
	if n < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return nil, io.MultiReader(bytes.NewReader(magic[:n]), errOr(err, r))
	}
	in, complete, err := readUpTo(r, append(w.in[:0], magic[:]...), wholeMaxCompressed)
	w.in = in[:0]
	// What was read, then the rest of r, or the read error at the same
	// offset: the streaming path reports it as the default build does.
	rest := func() io.Reader { return io.MultiReader(bytes.NewReader(in), errOr(err, r)) }
	if !complete || len(in) < 18 {
		return nil, rest()
	}
	size := int(binary.LittleEndian.Uint32(in[len(in)-4:]))
	if size > wholeMax {
		return nil, rest()
	}
	// One spare byte, so that &out[0] exists for an empty member.
	if cap(w.out) < size+1 {
		w.out = make([]byte, size+1)
	}
	out := w.out[:size+1]
	var gotIn, gotOut C.size_t
	res := C.libdeflate_gzip_decompress_ex(w.d,
		unsafe.Pointer(&in[0]), C.size_t(len(in)),
		unsafe.Pointer(&out[0]), C.size_t(size),
		&gotIn, &gotOut)
	if res != C.LIBDEFLATE_SUCCESS || int(gotIn) != len(in) || int(gotOut) != size {
		return nil, rest()
	}
	w.inflated++
	return out[:size], nil
}

// errOr is a reader failing with err, or r when err is nil (or EOF).
func errOr(err error, r io.Reader) io.Reader {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return r
	}
	return iotest.ErrReader(err)
}

// readUpTo appends r's bytes to buf until EOF (complete) or until more
// than max are held.
func readUpTo(r io.Reader, buf []byte, max int) ([]byte, bool, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
		if len(buf) > max {
			return buf, false, nil
		}
	}
}
