package bytesearch

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

var (
	haveVector = cpu.X86.HasAVX2
	// AVX-512BW compares 64 bytes into a mask register: about twice the
	// AVX2 kernel's speed on CPUs that have it.
	have512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW
)

// pairIndex returns the first position p in [0, n&^31) at which
// s[p] == c0 && s[p+d] == c1, or s[p] == e0 && s[p+f] == e1; or -1. The
// caller guarantees that s[p+max(d,f)] is readable for every p < n.
func pairIndex(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int {
	if !have512 {
		return pairIndex256(s, n, c0, c1, d, e0, e1, f)
	}
	if i := pairIndex512(s, n, c0, c1, d, e0, e1, f); i >= 0 {
		return i
	}
	// The 64-position blocks may leave one 32-position block.
	done := n &^ 63
	if n-done < 32 {
		return -1
	}
	if i := pairIndex256((*byte)(unsafe.Add(unsafe.Pointer(s), done)), n-done, c0, c1, d, e0, e1, f); i >= 0 {
		return done + i
	}
	return -1
}

//go:noescape
func pairIndex256(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int

// pairIndex512 is pairIndex over [0, n&^63).
//
//go:noescape
func pairIndex512(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int
