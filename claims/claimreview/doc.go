// Package claimreview imports fact-checks into the claims domain:
// schema.org ClaimReview JSON-LD (a single object, arrays, @graph, nested
// itemReviewed), the Google Fact Check Tools API JSON (claims[].claimReview[],
// or a bare array of claims) and CSV/TSV exports (FACTCK.BR-style columns or
// Vigie's own), and normalises ratings to Vigie's scale from textualRating in
// many languages (a map derived from the X-Fact label maps plus hand-made
// entries) or from the numeric ratingValue/bestRating/worstRating. An unknown
// rating is kept verbatim and marked unknown, never guessed.
package claimreview
