// Package claimdoc is the claim document: the search index's projection of a
// detected claim — the item it comes from, its worthiness and reasons, the
// fact-checks it repeats, its review status — as the review queue, the claim
// page and GET /api/v1/claims show it (the document's JSON is the API's). It
// holds the claims index's settings and schema version, and builds the
// documents of a CLAIMS message (claims.ItemClaims) with each claim's review
// state. The index is rebuilt from the log when the schema version changes.
package claimdoc
