# Convenience targets; the README's commands work without make.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# lambda.norpc drops aws-lambda-go's RPC mode for the retired go1.x Lambda
# runtime: net/rpc looks methods up by name, which turns off the linker's
# removal of unused methods and more than doubles the binary (bench/size.sh).
# rootwatch's Lambda runs on provided.al2023, which uses the Runtime API.
TAGS ?= lambda.norpc
LDFLAGS := -s -w -X github.com/rootwatch/rootwatch/internal/cli.version=$(VERSION) \
	-X github.com/rootwatch/rootwatch/internal/cli.commit=$(shell git rev-parse HEAD 2>/dev/null) \
	-X github.com/rootwatch/rootwatch/internal/cli.buildDate=$(shell date -u +%Y-%m-%dT%H:%M:%SZ)

.PHONY: build build-libdeflate test lint fuzz bench lambda release image clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -tags '$(TAGS)' -ldflags '$(LDFLAGS)' -o rootwatch ./cmd/rootwatch

# Optional: .json.gz inflated by libdeflate through cgo (Debian's
# libdeflate-dev). Dynamically linked; the default build stays pure Go.
build-libdeflate:
	CGO_ENABLED=1 $(GO) build -trimpath -tags '$(TAGS) libdeflate' -ldflags '$(LDFLAGS)' -o rootwatch ./cmd/rootwatch

test:
	$(GO) test -race ./...

lint:
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...

fuzz:
	bash .ci/fuzz 1000000x

bench:
	bash bench/scan.sh

# The same binary is the Lambda function (provided.al2023 looks for "bootstrap").
lambda:
	mkdir -p dist
	for arch in arm64 amd64; do \
		rm -rf dist/lambda-$$arch && mkdir -p dist/lambda-$$arch && \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -tags '$(TAGS)' -ldflags '$(LDFLAGS)' -o dist/lambda-$$arch/bootstrap ./cmd/rootwatch && \
		$(GO) run github.com/aws/aws-lambda-go/cmd/build-lambda-zip -o dist/rootwatch-lambda-$$arch.zip dist/lambda-$$arch/bootstrap; \
	done

# Binaries for linux, darwin and windows on amd64 and arm64, .tar.gz/.zip,
# CycloneDX SBOMs, .deb and .rpm, SHA256SUMS: dist/release/.
# TARGETS=linux/amd64 make release builds a subset.
release:
	bash scripts/release.sh

# The watch/scan container image (OCI layout, no Docker daemon) from the
# linux/amd64 release binary: dist/image/.
image:
	TARGETS=linux/amd64 bash scripts/release.sh
	$(GO) run ./internal/tools/ociimage -binary dist/release/rootwatch_*_linux_amd64/rootwatch -out dist/image

clean:
	rm -rf dist rootwatch
