package bytesearch

import "golang.org/x/sys/cpu"

var haveVector = cpu.X86.HasAVX2

// pairIndex returns the first position p in [0, n&^31) at which
// s[p] == c0 && s[p+d] == c1, or s[p] == e0 && s[p+f] == e1; or -1. The
// caller guarantees that s[p+max(d,f)] is readable for every p < n.
//
//go:noescape
func pairIndex(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int
