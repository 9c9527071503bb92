// Package indexer is the pipeline stage that writes the CLAIMS stream into
// the search index, whereas the index itself (its contract, Bleve and
// Meilisearch) is its look-alike pipeline/index.
//
// It batches by size and time, writes the batch, and acknowledges the
// messages only after the backend confirms. Documents are keyed by claim
// id, so replays never duplicate; a failing backend means retries with
// backoff and nothing lost.
package indexer
