package match

import (
	"vigie/claims/text"
)

// Social text glues words together in handles and hashtags whose case the
// tokenizer folds away ("georgesoros", "Fyrefestival", "cornflakes"): such a
// query word is unknown to the index although its parts are not. With a
// model whose SplitCompounds is set, splitCompoundsLocked replaces each query
// word that the index does not know (at least minCompound letters a–z) by the
// two parts of its best split: each an indexed word of at least minPart
// letters that is not a stop word; the best split is the one whose shorter
// part is longest. Measured on the CheckThat! 2020 train/dev splits
// (docs/quality.md: +0.7 / +1.1 points MAP@5, within noise, so not the
// committed model's setting; splits into three parts changed nothing).
const (
	minCompound = 7
	minPart     = 3
)

func (x *Index) splitCompoundsLocked(q *query, lang string) {
	var a *text.Analyzer
	for i := 0; i < len(q.stems); i++ {
		w := q.words[i]
		if len(w) < minCompound || !lowerASCII(w) {
			continue
		}
		if _, ok := x.vocab[q.stems[i]]; ok {
			continue
		}
		if a == nil {
			a = text.AnalyzerFor(lang)
		}
		at, l, r := x.splitWordLocked(a, w)
		if at == 0 {
			continue
		}
		q.stems = append(q.stems[:i], append([]string{l, r}, q.stems[i+1:]...)...)
		q.words = append(q.words[:i], append([]string{w[:at], w[at:]}, q.words[i+1:]...)...)
		for k, st := range []string{l, r} {
			if _, ok := q.surface[st]; !ok {
				q.surface[st] = q.words[i+k]
			}
		}
		i++
	}
}

// splitWordLocked returns the best split of w (see splitCompoundsLocked) as
// the offset of the second part and the parts' stems; at is 0 when there is
// none.
func (x *Index) splitWordLocked(a *text.Analyzer, w string) (at int, l, r string) {
	part := func(p string) (string, bool) {
		if len(p) < minPart || a.IsStop(p) {
			return "", false
		}
		st := a.Stem(p)
		_, ok := x.vocab[st]
		return st, ok
	}
	best := 0
	for j := minPart; j <= len(w)-minPart; j++ {
		m := min(j, len(w)-j)
		if m <= best {
			continue
		}
		ls, okl := part(w[:j])
		if !okl {
			continue
		}
		rs, okr := part(w[j:])
		if !okr {
			continue
		}
		best, at, l, r = m, j, ls, rs
	}
	return at, l, r
}

func lowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
