//go:build !amd64

package bytesearch

const have512 = false

func setKernels(bool, bool) (restore func()) { return func() {} }
