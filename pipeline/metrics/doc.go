// Package metrics declares Vigie's Prometheus series in one place. A nil
// *Metrics is valid and records nothing, so services and tests can run
// without a registry.
package metrics
