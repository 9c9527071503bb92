package claims

import (
	"hash/fnv"
	"math/bits"

	"vigie/claims/match"
	"vigie/claims/text"
)

// Fingerprint returns a 64-bit SimHash of the sentence's stemmed terms
// (unigrams and bigrams, stop words removed, social noise cleaned), so that
// near-duplicate sentences have fingerprints at a small Hamming distance
// (see Near). Two sentences with the same terms in the same order have the
// same fingerprint. An empty sentence gives 0.
func Fingerprint(sentence, lang string) uint64 {
	return fingerprintCleaned(match.Clean(sentence), lang)
}

func fingerprintCleaned(cleaned, lang string) uint64 {
	stems := text.AnalyzerFor(lang).Stems(cleaned)
	if len(stems) == 0 {
		return 0
	}
	var v [64]int
	add := func(s string, w int) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s))
		x := h.Sum64()
		for i := 0; i < 64; i++ {
			if x&(1<<uint(i)) != 0 {
				v[i] += w
			} else {
				v[i] -= w
			}
		}
	}
	for i, s := range stems {
		add(s, 2)
		if i > 0 {
			add(stems[i-1]+" "+s, 1)
		}
	}
	var fp uint64
	for i := 0; i < 64; i++ {
		if v[i] > 0 {
			fp |= 1 << uint(i)
		}
	}
	return fp
}

// Distance returns the Hamming distance of two fingerprints.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// NearDistance is the largest Hamming distance at which Near holds.
const NearDistance = 10

// Near reports whether two fingerprints denote near-duplicate sentences.
func Near(a, b uint64) bool { return Distance(a, b) <= NearDistance }
