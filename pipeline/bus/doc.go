// Package bus is how Vigie's services talk: an embedded or external NATS
// server with JetStream, the streams, consumers and KV buckets they share
// (declared in names.go and applied idempotently at start), publishing with
// de-duplication ids, and the worker runner that implements the ack policy
// (Ack, NakWithDelay with exponential backoff, Term and dead-letter).
package bus
