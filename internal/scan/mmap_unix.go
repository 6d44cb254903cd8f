//go:build unix

package scan

import (
	"bytes"
	"os"
	"syscall"
)

// mmapMin is the size from which a local file is memory-mapped: below it
// read() is as fast, and mapping costs a syscall pair and page faults.
const mmapMin = 4 << 20

// mappedFile is a read-only memory-mapped file. The decoder reads it in
// place (cloudtrail.Mapped), which saves copying every byte from the page
// cache, the biggest cost of the JSON Lines path after the search itself.
type mappedFile struct {
	*bytes.Reader
	b []byte
}

func (m *mappedFile) Bytes() []byte { return m.b }
func (m *mappedFile) Close() error  { return syscall.Munmap(m.b) }

// openMapped maps f when it is large enough; otherwise (or if mapping
// fails) it returns nil and the caller reads f normally.
func openMapped(f *os.File, size int64) *mappedFile {
	if size < mmapMin || int64(int(size)) != size {
		return nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|mapPopulate)
	if err != nil {
		return nil
	}
	adviseSequential(b)
	return &mappedFile{Reader: bytes.NewReader(b), b: b}
}
