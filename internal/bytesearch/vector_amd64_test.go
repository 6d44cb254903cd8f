package bytesearch

// setKernels chooses the kernels a test runs, within what the CPU has.
func setKernels(vector, avx512 bool) (restore func()) {
	was, was512 := haveVector, have512
	haveVector, have512 = vector && was, avx512 && was512
	return func() { haveVector, have512 = was, was512 }
}
