// Command healthcheck is the container health probe of the Vigie image: it
// GETs one URL (by default http://127.0.0.1:8080/healthz) and exits 0 when the
// answer is 2xx, 1 otherwise. The runtime image is distroless and has no
// shell, curl or wget, so Compose and the Dockerfile's HEALTHCHECK call this
// static binary instead; Kubernetes probes use httpGet and do not need it.
package main
