// Package claims is the domain and the claims engine of Vigie: which
// sentences of an ingested item are claims worth checking, and which of them
// repeat a claim that has already been fact-checked.
//
// It is pure Go, with no NATS, HTTP, index or protobuf imports. The facade is
// Engine.Analyze over a Store of FactChecks; the parts live in sub-packages:
// text (normalisation, tokens, stemming, sentences, language), match (BM25F
// retrieval and learned re-ranking), worthiness (check-worthiness scoring),
// claimreview (fact-check importers and rating normalisation) and eval
// (evaluation measures).
package claims
