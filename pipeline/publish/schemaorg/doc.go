// Package schemaorg checks JSON-LD structured data against a schema.org
// vocabulary subset (the fact-check subset kept in pipeline/specs/schemaorg)
// and against Google's required and recommended ClaimReview fields. Tests
// use it on verdict pages: ExtractJSONLD pulls the documents out of the
// HTML, Vocabulary.Check reports every term used outside the vocabulary or
// outside its domain or range, and MissingClaimReviewFields names what
// Google asks for and a document lacks.
package schemaorg
