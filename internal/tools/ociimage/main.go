// Command ociimage assembles rootwatch's container image without a Docker
// daemon: one layer on scratch with the static binary, CA certificates and
// a non-root user, written as an OCI image layout (for crane, skopeo,
// podman) and a docker-archive tarball (docker load, podman load).
//
//	go run ./internal/tools/ociimage -binary dist/release/rootwatch_X_linux_amd64/rootwatch -out dist/image
//	go run ./internal/tools/ociimage -check dist/image
//
// -check reads a written layout back and verifies what the image promises:
// a non-root user, the entrypoint, the OCI labels, a HEALTHCHECK and its
// size.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var o options
	flag.StringVar(&o.binary, "binary", "", "the static linux rootwatch binary to put in the image")
	flag.StringVar(&o.arch, "arch", "amd64", "the binary's architecture")
	flag.StringVar(&o.caBundle, "ca", "/etc/ssl/certs/ca-certificates.crt", "CA certificates bundle (Debian's ca-certificates)")
	flag.StringVar(&o.version, "version", "", "image version label (default: the binary's `rootwatch version`)")
	flag.StringVar(&o.revision, "revision", "", "source revision label")
	flag.StringVar(&o.out, "out", "dist/image", "directory for the OCI layout and rootwatch.tar")
	check := flag.String("check", "", "verify the OCI layout in this directory instead of building")
	maxMB := flag.Int64("max-mb", 60, "with -check: largest compressed image size allowed, in MB")
	flag.Parse()
	var err error
	if *check != "" {
		var rep string
		rep, err = checkLayout(*check, *maxMB<<20)
		fmt.Print(rep)
	} else {
		err = build(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ociimage:", err)
		os.Exit(1)
	}
}
