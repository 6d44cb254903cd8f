// Package awsfake is an in-memory model of the AWS accounts rootwatch
// reads and changes. Its clients satisfy the narrow interfaces the
// consumers declare (awsread for reads; write methods live in
// write_*.go files) and behave like AWS where it matters to rootwatch:
// NextToken pagination, throttling and access-denied errors with the
// codes each service really uses, organizations whose trails show up in
// member accounts, and latency injected per call for benchmarks.
//
// State is plain exported structs (mostly SDK types) guarded by Cloud.mu:
// tests build it directly before use; clients lock it per call.
package awsfake
