// Package retry is when to try again: the one exponential backoff with jitter
// (Backoff) that every retrying part of Vigie uses, and the one parser of the
// HTTP Retry-After header (ParseAfter) with its writer (FormatAfter).
//
// It is pure: no I/O, no clock of its own (the caller passes now), and the
// random draw is injectable, so every delay can be pinned in a test.
//
// Its users: the bus worker's NakWithDelay, the feed scheduler's source
// retries, the social clients' reconnects, webhook delivery's schedule and the
// Meilisearch client's retries of a busy server.
package retry
