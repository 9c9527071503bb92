// Package match finds, for a sentence, the fact-checked claims it repeats.
//
// An Index holds documents (claim text and title) in memory with an inverted
// index scored by BM25F (text and title fields weighted), updated
// incrementally. Search cleans the query (Clean: URLs, handles, pic.twitter.com
// links, signature lines, hashtag segmentation), retrieves candidates with
// BM25F, computes re-ranking features (character n-gram similarity, number and
// entity agreement, term coverage, optional embedding similarity through the
// Embedder seam) and scores them with a small learned model whose output is a
// calibrated probability in [0,1]. Every result carries the shared terms and
// numbers that explain it.
package match
