// Package queue is the review queue's shape in the search index: the
// claim document (its field names are the JSON names of /api/v1/claims),
// the index settings, and how a CLAIMS message becomes documents.
package queue
