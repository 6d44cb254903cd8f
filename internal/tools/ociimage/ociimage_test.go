package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildThenCheck: an image built from a stand-in binary passes the
// checks CI applies to the real one, and a root image does not.
func TestBuildThenCheck(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "rootwatch")
	ca := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(bin, []byte("#!/bin/false\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1764547200")
	out := filepath.Join(dir, "image")
	if err := build(options{binary: bin, arch: "amd64", caBundle: ca, version: "v1.2.3", revision: "abc", out: out}); err != nil {
		t.Fatal(err)
	}
	rep, err := checkLayout(out, 60<<20)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, rep)
	}
	for _, want := range []string{"user 65532:65532", "entrypoint [/rootwatch]", "healthcheck [CMD /rootwatch healthcheck]", "version v1.2.3"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q: %s", want, rep)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "rootwatch.tar")); err != nil {
		t.Error(err)
	}
	if _, err := checkLayout(out, 1); err == nil || !strings.Contains(err.Error(), "compressed size") {
		t.Errorf("a size limit below the image passes: %v", err)
	}
}

func TestImageConfigIsNotRoot(t *testing.T) {
	c := imageConfig(options{version: "v1"}, sourceDate())
	if c.User == "" || strings.HasPrefix(c.User, "0") {
		t.Fatalf("user %q", c.User)
	}
}
