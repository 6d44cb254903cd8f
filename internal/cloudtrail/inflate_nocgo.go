//go:build libdeflate && !cgo

package cloudtrail

// The libdeflate build links the C library: it needs cgo. Failing here
// beats silently building the pure-Go inflater under the libdeflate tag.
var _ = libdeflate_build_needs_cgo_set_CGO_ENABLED_1
