# syntax=docker/dockerfile:1
#
# Vigie: one static binary on a distroless base, run as a non-root user.
#   docker build -t vigie:dev .
# The same image runs every service: `vigie serve --only matcher ...`.
# The tests of deployments/validate parse this file (no Docker engine in CI).

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOOS=linux GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/vigie ./services/vigie && \
    go build -ldflags="-s -w" -o /out/healthcheck ./deployments/healthcheck && \
    mkdir -p /out/data

# distroless/static: CA certificates, tzdata and /etc/passwd with the
# "nonroot" user (65532), and no shell.
FROM gcr.io/distroless/static-debian13:nonroot AS runtime
COPY --from=build /out/vigie /usr/local/bin/vigie
COPY --from=build /out/healthcheck /usr/local/bin/healthcheck
COPY --from=build --chown=65532:65532 --chmod=0700 /out/data /var/lib/vigie
USER 65532:65532
EXPOSE 8080
VOLUME ["/var/lib/vigie"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/healthcheck", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/vigie"]
CMD ["serve", "--http", "0.0.0.0:8080", "--data", "/var/lib/vigie"]
