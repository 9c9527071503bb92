package match

import (
	"math"

	"vigie/claims/text"
	"vigie/claims/wordvec"
)

// The semantic stage compares English queries and claims through word
// vectors (package wordvec): words that differ in form but not in meaning
// ("biggest"/"largest") count where the lexical features see nothing. For
// other languages, or when either side has no known word, the feature is
// absent: the re-ranker sees its training mean, so it neither raises nor
// lowers the score. (Word-by-word alignment features were measured too: no
// gain on dev beyond noise for 25 % more CPU per sentence; see
// docs/quality.md.)

// semLang is the only language with word vectors.
const semLang = "en"

// sifRank is the frequency rank at which a word's weight is one half:
// weight(rank) = rank/(rank+sifRank), smooth inverse frequency with
// p(w) ∝ 1/rank (Zipf).
const sifRank = 100

// semantic is the mean word vector of a claim, computed once when it is added.
type semantic struct {
	scale float32            // component = int8 × scale
	mean  [wordvec.Dims]int8 // SIF-weighted mean of the words' unit vectors, unit length, quantised
}

func sifWeight(id uint32) float32 {
	r := float32(id) + 1
	return r / (r + sifRank)
}

// meanOf returns the unit-length SIF-weighted mean of the vectors of the
// content terms (each distinct word once), nil when the language has no
// vectors or no term has one.
func meanOf(lang string, terms []text.Term) []float32 {
	if lang != semLang {
		return nil
	}
	t := wordvec.English()
	v := make([]float32, wordvec.Dims)
	seen := make(map[uint32]bool, len(terms))
	for _, term := range terms {
		if term.Number {
			continue
		}
		if id, ok := t.ID(term.Text); ok && !seen[id] {
			seen[id] = true
			t.AddTo(v, id, sifWeight(id))
		}
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return nil
	}
	f := float32(1 / math.Sqrt(n))
	for i := range v {
		v[i] *= f
	}
	return v
}

// semanticOf quantises the mean vector of a claim's terms; nil when absent.
func semanticOf(lang string, terms []text.Term) *semantic {
	mean := meanOf(lang, terms)
	if mean == nil {
		return nil
	}
	var top float32
	for _, v := range mean {
		top = max(top, float32(math.Abs(float64(v))))
	}
	s := &semantic{scale: top / 127}
	for i, v := range mean {
		s.mean[i] = int8(math.Round(float64(v / s.scale)))
	}
	return s
}

// semanticOfDoc is semanticOf over the terms of a claim's text and title.
func semanticOfDoc(d Doc, lang string) *semantic {
	if lang != semLang {
		return nil
	}
	a := text.AnalyzerFor(lang)
	return semanticOf(lang, append(a.Terms(d.Text), a.Terms(d.Title)...))
}

// semFeature is the cosine of the query's and the claim's mean vectors, NaN
// when either is absent.
func semFeature(q []float32, d *semantic) float64 {
	if q == nil || d == nil {
		return math.NaN()
	}
	var dot float32
	for i := range d.mean {
		dot += q[i] * float32(d.mean[i])
	}
	return float64(dot * d.scale)
}
