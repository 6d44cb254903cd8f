# rootwatch's container image, for teams that build with Docker or
# BuildKit. CI builds the same image without a daemon
# (internal/tools/ociimage, `make image`) and checks it; keep the two alike:
# scratch, the static binary, CA certificates, non-root user 65532,
# /data as the only writable path, a HEALTHCHECK through rootwatch itself.
#
#   docker build -t rootwatch .
#   docker run --rm -v "$PWD/logs:/logs:ro" rootwatch scan /logs
#   docker run -d -v /etc/rootwatch:/etc/rootwatch:ro -v rootwatch-data:/data rootwatch
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# lambda.norpc: see the Makefile (it keeps the binary under half the size).
RUN CGO_ENABLED=0 go build -trimpath -tags lambda.norpc \
      -ldflags "-s -w -X github.com/rootwatch/rootwatch/internal/cli.version=${VERSION}" \
      -o /out/rootwatch ./cmd/rootwatch \
 && mkdir -p /out/data /out/etc/rootwatch /out/tmp \
 && chmod 1777 /out/tmp && chmod 0700 /out/data \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/data:/sbin/nologin\n' >/out/etc/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' >/out/etc/group

FROM scratch
ARG VERSION=dev
LABEL org.opencontainers.image.title="rootwatch" \
      org.opencontainers.image.description="Make sure nobody uses an AWS account's root user unnoticed (CIS AWS Foundations 4.3)" \
      org.opencontainers.image.source="https://github.com/rootwatch/rootwatch" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/etc/ /etc/
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/rootwatch /rootwatch
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt HOME=/data XDG_STATE_HOME=/data XDG_CONFIG_HOME=/data/config
USER 65532:65532
WORKDIR /data
VOLUME /data
EXPOSE 9780
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/rootwatch", "healthcheck"]
ENTRYPOINT ["/rootwatch"]
CMD ["watch", "--config", "/etc/rootwatch/rootwatch.yaml"]
