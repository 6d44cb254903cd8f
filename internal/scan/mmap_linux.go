//go:build linux

package scan

import "syscall"

// mapPopulate asks Linux to map the whole file up front: one call instead
// of a page fault every 64 KiB.
const mapPopulate = syscall.MAP_POPULATE

func adviseSequential(b []byte) { _ = syscall.Madvise(b, syscall.MADV_SEQUENTIAL) }
