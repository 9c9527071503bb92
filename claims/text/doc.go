// Package text holds the language-aware text primitives of the claims engine:
// Unicode normalisation with case and accent folding, tokenisation for Latin
// and Arabic scripts, stop words and Snowball stemming for en, fr, pt, es, sv
// and ar, sentence segmentation aware of abbreviations and numbers, number
// extraction and a small language identifier.
//
// Everything here is pure, deterministic and safe for concurrent use.
package text
