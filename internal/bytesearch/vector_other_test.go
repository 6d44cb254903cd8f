//go:build !amd64

package bytesearch

func setVector(bool) {}
