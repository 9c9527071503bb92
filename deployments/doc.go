// Package deployments holds no runtime code: it is the home of the files that
// run Vigie at scale (compose/, kubernetes/, nats/, systemd/ and the
// Dockerfile at the repository root) and of the tests that validate them with
// the real parsers: the Dockerfile parser of BuildKit, the Compose loader,
// strict decoding into the Kubernetes API types, nats-server itself and
// systemd-analyze. The tests also check that every image, port, volume, flag
// and VIGIE_* variable the files name exists in the code.
package deployments
