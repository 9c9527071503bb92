// Package bus is how Vigie's services talk: an embedded or external NATS
// server with JetStream, the streams, subjects, consumers and KV buckets they
// share (the topology: every name and every declaration in names.go, applied
// idempotently at start — by Bus.Apply, by pipeline/account when it opens its
// buckets, by the alerter for Topology.Alerting), publishing with
// de-duplication ids, and the worker runner that implements the ack policy
// (Ack, NakWithDelay with exponential backoff, Term and dead-letter).
package bus
