// Package indexer projects the CLAIMS stream into the search index: it
// batches by size and time, writes the batch, and acknowledges the
// messages only after the backend confirms. Documents are keyed by claim
// id, so replays never duplicate; a failing backend means retries with
// backoff and nothing lost.
package indexer
