// Package claims is the domain and the claims engine of Vigie: which
// sentences of an ingested item are claims worth checking, and which of them
// repeat a claim that has already been fact-checked.
//
// It is also the newsroom's vocabulary, each concept defined once with its
// conversions beside it: Rating (names, labels, ClaimReview values, Flagged,
// ParseRating), Language (ParseLanguage, the one rule for language tags),
// ReviewStatus and ReviewAction (the statuses, the moves between them, who
// may make them), the roles and their families, AlertKind and the alert
// severity with its words. Adding a value touches its file here and the
// places that present it (docs/architecture.md walks through a rating).
//
// It is pure Go, with no NATS, HTTP, index or protobuf imports. The facade is
// Engine.Analyze over a Store of FactChecks: an item is split into sentences
// (title first), each sentence gets a check-worthiness score with its top
// reasons and is matched against the store; a claim is returned when it is
// check-worthy or matched, flagged when a match at or above the suggest
// threshold is rated false, mostly false or misleading. A match lists the
// figures, dates and persons its claim and fact-check both name with
// different values (Match.Disagreements); one on a central figure is never
// automatic and never flags (Disagreement.Decisive). With
// Config.KeepLowPriority, the sentences that could be claims (CouldBeClaim)
// are kept below the worthiness threshold, marked LowPriority. Claims carry a
// SimHash Fingerprint for near-duplicate clustering (Near, Distance); a
// Clusterer decides whether two reworded claims are the same claim
// (SameClaim, Assign). Judgement files (ReadJudgements) record what people
// decided on matches, for `vigie train matcher --judgements`.
//
// The parts live in sub-packages: text (normalisation, tokens, stop words and
// stemming, sentences, language), match (BM25F retrieval and learned
// re-ranking), worthiness (check-worthiness scoring), claimreview (fact-check
// importers and rating normalisation), eval (evaluation measures and `vigie
// eval`) and training (`vigie train`). Quality figures: docs/quality.md.
package claims
