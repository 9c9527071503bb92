// Package validate holds no runtime code: it is the home of the tests that
// validate the files that run Vigie at scale (../compose, ../kubernetes,
// ../nats, ../systemd and the Dockerfile at the repository root) with the
// real parsers: the Dockerfile parser of BuildKit, the Compose loader, strict
// decoding into the Kubernetes API types, nats-server itself and
// systemd-analyze. The tests also check that every image, port, volume, flag
// and VIGIE_* variable the files name exists in the code.
//
// It is a module of its own (go.mod here, the repository's module replaced
// by its folder) so that those parsers stay out of the production binary's
// module graph: run its tests from this folder (`go test ./...`), as `make
// test` does. deployments/healthcheck, built into the image, stays in the
// repository's module.
package validate
