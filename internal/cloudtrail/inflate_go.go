//go:build !libdeflate

package cloudtrail

import "io"

// wholeInflater inflates a gzip input in one call in libdeflate builds;
// the pure-Go build streams every input through klauspost/compress.
type wholeInflater struct{}

func (*wholeInflater) inflate(r io.Reader) ([]byte, io.Reader) { return nil, r }
