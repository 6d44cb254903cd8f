// Package e2e drives the real rootwatch binary over the AWS wire
// protocols against internal/awsemu: the binary is built once, the
// emulator listens on 127.0.0.1, and every command runs with a clean
// environment whose only AWS settings are AWS_ENDPOINT_URL, static
// credentials and a region, exactly as a user of an AWS-compatible
// endpoint would run it.
package e2e
