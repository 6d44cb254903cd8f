package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

type options struct {
	binary, arch, caBundle, version, revision, out string
}

// The image's user: distroless's "nonroot" ids, so volume permissions
// carry over from images teams already run.
const (
	uid      = 65532
	userSpec = "65532:65532"
	dataDir  = "data" // XDG state and config: the SQLite store, the journal key
)

func build(o options) error {
	if o.binary == "" {
		return fmt.Errorf("-binary is required")
	}
	bin, err := os.ReadFile(o.binary)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(o.caBundle)
	if err != nil {
		return fmt.Errorf("CA certificates: %w (Debian: apt-get install ca-certificates)", err)
	}
	if o.version == "" {
		o.version = binaryVersion(o.binary)
	}
	created := sourceDate()
	layerTar, err := rootFS(bin, ca, created)
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = "linux", o.arch, v1.Time{Time: created}
	cf.Config = imageConfig(o, created)
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	p, err := layout.Write(filepath.Join(o.out, "oci"), empty.Index)
	if err != nil {
		return err
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": o.version})); err != nil {
		return err
	}
	tag, err := name.NewTag("rootwatch:" + o.version)
	if err != nil {
		return fmt.Errorf("image tag from version %q: %w", o.version, err)
	}
	if err := tarball.WriteToFile(filepath.Join(o.out, "rootwatch.tar"), tag, img); err != nil {
		return err
	}
	fmt.Printf("wrote %s/oci (OCI layout) and %s/rootwatch.tar (docker load), tag %s\n", o.out, o.out, tag)
	return nil
}

func imageConfig(o options, created time.Time) v1.Config {
	return v1.Config{
		User:       userSpec,
		Entrypoint: []string{"/rootwatch"},
		Cmd:        []string{"watch", "--config", "/etc/rootwatch/rootwatch.yaml"},
		Env: []string{
			"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
			"HOME=/" + dataDir, "XDG_STATE_HOME=/" + dataDir, "XDG_CONFIG_HOME=/" + dataDir + "/config",
		},
		WorkingDir:   "/" + dataDir,
		Volumes:      map[string]struct{}{"/" + dataDir: {}},
		ExposedPorts: map[string]struct{}{"9780/tcp": {}},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "rootwatch",
			"org.opencontainers.image.description": "Make sure nobody uses an AWS account's root user unnoticed (CIS AWS Foundations 4.3)",
			"org.opencontainers.image.source":      "https://github.com/rootwatch/rootwatch",
			"org.opencontainers.image.version":     o.version,
			"org.opencontainers.image.revision":    o.revision,
			"org.opencontainers.image.created":     created.Format(time.RFC3339),
		},
		// The image has no shell or curl: rootwatch asks its own /healthz.
		Healthcheck: &v1.HealthConfig{
			Test:     []string{"CMD", "/rootwatch", "healthcheck"},
			Interval: 30 * time.Second, Timeout: 5 * time.Second, StartPeriod: 10 * time.Second, Retries: 3,
		},
	}
}

// rootFS is the image's only layer: the binary, the CA bundle, a passwd
// and group naming the non-root user, and the state directory it owns.
// Everything else may be read-only.
func rootFS(bin, ca []byte, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(p string, mode int64, owner int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: mode, Uid: owner, Gid: owner, ModTime: mtime, Format: tar.FormatPAX})
	}
	file := func(p string, mode int64, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: p, Mode: mode, Size: int64(len(b)), ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	id := strconv.Itoa(uid)
	steps := []func() error{
		func() error { return dir("etc", 0o755, 0) },
		func() error { return dir("etc/ssl", 0o755, 0) },
		func() error { return dir("etc/ssl/certs", 0o755, 0) },
		func() error { return dir("etc/rootwatch", 0o755, 0) },
		func() error { return dir("tmp", 0o1777, 0) },
		func() error { return dir(dataDir, 0o700, uid) },
		func() error {
			return file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:"+id+":"+id+":nonroot:/"+dataDir+":/sbin/nologin\n"))
		},
		func() error { return file("etc/group", 0o644, []byte("root:x:0:\nnonroot:x:"+id+":\n")) },
		func() error { return file("etc/ssl/certs/ca-certificates.crt", 0o644, ca) },
		func() error { return file("rootwatch", 0o755, bin) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// binaryVersion asks the binary when it runs here, else "dev".
func binaryVersion(path string) string {
	out, err := exec.Command(path, "version").Output()
	if f := strings.Fields(string(out)); err == nil && len(f) > 1 {
		return f[1]
	}
	return "dev"
}

// sourceDate is SOURCE_DATE_EPOCH (reproducible builds), else now.
func sourceDate() time.Time {
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(s, 0).UTC()
	}
	return time.Now().UTC().Truncate(time.Second)
}
