// Package match is the matching algorithm that finds, for a sentence, the
// fact-checked claims it repeats (pure Go, no NATS), whereas its look-alike
// services/matcher is the pipeline stage that runs the claims engine, which
// uses this package, on every item.
//
// An Index holds documents (claim text and title) in memory with an inverted
// index scored by BM25F (text and title fields weighted), updated
// incrementally (Add replaces by id, Remove, periodic compaction). Search
// cleans the query (Clean: URLs, pic.twitter.com links, retweet prefixes,
// embedded-tweet signatures reduced to the author's name, handles and
// hashtags split into words), retrieves candidates with BM25F, computes
// re-ranking features (term coverage both ways, character 4-gram
// similarity, tf-idf cosine, field BM25, number, entity and year agreement,
// an optional embedding similarity through the Embedder seam) and scores
// them with a small linear model (trained pairwise on the CheckThat! 2020
// train split, weights constrained to their declared direction) whose output
// is Platt-calibrated on the dev split to a probability in [0,1]. Duplicate
// claims in the store are ranked together, the earliest id first. Every
// result carries the shared terms and numbers that explain it.
//
// Results are deterministic for a given index content and query.
package match
