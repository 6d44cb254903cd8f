//go:build !amd64

package bytesearch

const haveVector = false

func pairIndex(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int {
	panic("bytesearch: no vector kernel on this architecture")
}
