package main

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// requiredLabels are the OCI annotations a registry and a scanner read.
var requiredLabels = []string{
	"org.opencontainers.image.title", "org.opencontainers.image.source",
	"org.opencontainers.image.version", "org.opencontainers.image.created",
}

// checkLayout verifies the image in the OCI layout at dir (as build
// writes it: dir/oci) and returns a report; any broken promise is an error.
func checkLayout(dir string, maxBytes int64) (string, error) {
	p, err := layout.FromPath(filepath.Join(dir, "oci"))
	if err != nil {
		return "", err
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return "", err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return "", err
	}
	if len(im.Manifests) != 1 {
		return "", fmt.Errorf("layout holds %d images, want 1", len(im.Manifests))
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		return "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", err
	}
	c := cf.Config
	var problems []string
	if u := strings.SplitN(c.User, ":", 2)[0]; u == "" || u == "0" || u == "root" {
		problems = append(problems, fmt.Sprintf("user %q is root", c.User))
	}
	if !slices.Equal(c.Entrypoint, []string{"/rootwatch"}) {
		problems = append(problems, fmt.Sprintf("entrypoint %q, want [/rootwatch]", c.Entrypoint))
	}
	for _, l := range requiredLabels {
		if c.Labels[l] == "" {
			problems = append(problems, "label "+l+" missing")
		}
	}
	if c.Healthcheck == nil || len(c.Healthcheck.Test) == 0 {
		problems = append(problems, "no HEALTHCHECK")
	}
	size, files, err := layers(img)
	if err != nil {
		return "", err
	}
	if size > maxBytes {
		problems = append(problems, fmt.Sprintf("compressed size %d MB over %d MB", size>>20, maxBytes>>20))
	}
	for _, want := range []string{"rootwatch", "etc/ssl/certs/ca-certificates.crt", "etc/passwd"} {
		if _, ok := files[want]; !ok {
			problems = append(problems, "/"+want+" missing")
		}
	}
	if h, ok := files["rootwatch"]; ok && h.Mode&0o111 == 0 {
		problems = append(problems, "/rootwatch is not executable")
	}
	rep := fmt.Sprintf("image %s/%s, user %s, entrypoint %v, cmd %v, healthcheck %v, %d layer file(s), %.1f MB compressed, version %s\n",
		cf.OS, cf.Architecture, c.User, c.Entrypoint, c.Cmd, healthTest(c.Healthcheck), len(files), float64(size)/(1<<20), c.Labels["org.opencontainers.image.version"])
	if len(problems) > 0 {
		return rep, errors.New(strings.Join(problems, "; "))
	}
	return rep, nil
}

func healthTest(h *v1.HealthConfig) []string {
	if h == nil {
		return nil
	}
	return h.Test
}

// layers sums the compressed layer sizes and lists the files in them.
func layers(img v1.Image) (int64, map[string]*tar.Header, error) {
	ls, err := img.Layers()
	if err != nil {
		return 0, nil, err
	}
	var size int64
	files := map[string]*tar.Header{}
	for _, l := range ls {
		n, err := l.Size()
		if err != nil {
			return 0, nil, err
		}
		size += n
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, nil, err
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				_ = rc.Close()
				return 0, nil, err
			}
			files[strings.TrimPrefix(h.Name, "./")] = h
		}
		if err := rc.Close(); err != nil {
			return 0, nil, err
		}
	}
	return size, files, nil
}
