//go:build !libdeflate

package cloudtrail

import "io"

// wholeInflater exists in libdeflate builds only.
type wholeInflater struct{}

// inflateWhole is the libdeflate fast path; the pure-Go build streams
// every input through klauspost/compress.
func (dec *Decoder) inflateWhole(r io.Reader) ([]byte, io.Reader, error) {
	return nil, r, nil
}
