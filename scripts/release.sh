#!/usr/bin/env bash
# scripts/release.sh: the release artefacts, built the same way locally
# (`make release`) and in CI (a dry run for linux/amd64).
#
#   scripts/release.sh                       # every target
#   TARGETS=linux/amd64 scripts/release.sh   # a subset
#
# For each target: a static, stripped binary stamped with the version
# (the commit and date are in its build info: `rootwatch version`), in a
# .tar.gz (.zip for Windows) with the README, and a CycloneDX SBOM of the
# Go module graph; for Linux targets also .deb and .rpm packages (nfpm)
# with the man pages, shell completions, a systemd unit for watch and its
# configuration file; then SHA256SUMS over everything.
#
# -tags lambda.norpc: see the Makefile (without it the binary is more than
# twice as large; bench/size.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=${TARGETS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}
dist=${DIST:-dist/release}
NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
CYCLONEDX=github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0

# A tag names a release; otherwise a semver pre-release that says which
# commit it is (packages need a semver version).
if tag=$(git describe --tags --exact-match 2>/dev/null); then
	version=$tag
else
	version="v0.0.0-dev.$(git log -1 --format=%cd --date=format:%Y%m%d).g$(git rev-parse --short=12 HEAD)"
fi
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
pkg=github.com/rootwatch/rootwatch/internal/cli
ldflags="-s -w -X $pkg.version=$version -X $pkg.commit=$(git rev-parse HEAD) -X $pkg.buildDate=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"

rm -rf "$dist"
mkdir -p "$dist"
echo "rootwatch $version: $targets" >&2
go run ./internal/tools/gendocs -out "$dist/docs" -version "$version"

for target in $targets; do
	os=${target%/*} arch=${target#*/}
	name="rootwatch_${version#v}_${os}_${arch}"
	dir="$dist/$name"
	mkdir -p "$dir"
	exe=rootwatch
	[ "$os" = windows ] && exe=rootwatch.exe
	echo "build $target" >&2
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -tags lambda.norpc -ldflags "$ldflags" -o "$dir/$exe" ./cmd/rootwatch
	cp README.md "$dir/"
	GOOS=$os GOARCH=$arch CGO_ENABLED=0 go run "$CYCLONEDX" app -json -main cmd/rootwatch \
		-output "$dist/$name.cdx.json" >/dev/null 2>"$dist/sbom.log" || { cat "$dist/sbom.log" >&2; exit 1; }
	if [ "$os" = windows ]; then
		(cd "$dist" && python3 -m zipfile -c "$name.zip" "$name/")
	else
		tar -C "$dist" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -czf "$dist/$name.tar.gz" "$name"
	fi
	if [ "$os" = linux ]; then
		for packager in deb rpm; do
			# nfpm expands no variables in contents: stage this target's
			# files where packaging/nfpm.yaml expects them.
			rm -rf dist/pkgroot && mkdir -p dist/pkgroot
			cp "$dir/rootwatch" dist/pkgroot/rootwatch
			cp -r "$dist/docs" dist/pkgroot/docs
			ARCH=$arch VERSION=$version go run "$NFPM" package --config packaging/nfpm.yaml \
				--packager "$packager" --target "$dist/" >&2
		done
	fi
done
rm -rf "$dist/sbom.log" dist/pkgroot

(
	cd "$dist"
	shopt -s nullglob
	sha256sum -- *.tar.gz *.zip *.deb *.rpm *.cdx.json >SHA256SUMS
)
cat "$dist/SHA256SUMS" >&2
