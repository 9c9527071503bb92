package eval

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Ranking maps a query id to its ranked document ids, best first.
type Ranking map[string][]string

// MatchScores are the claim-matching measures over the gold queries.
type MatchScores struct {
	MAP1    float64 `json:"map@1"`
	MAP5    float64 `json:"map@5"`
	MRR     float64 `json:"mrr"`
	P1      float64 `json:"p@1"`
	Queries int     `json:"queries"`
}

// AveragePrecision returns AP@k as the CheckThat! 2020 scorer computes it:
// the sum of the precision at each relevant rank within the first k, divided
// by the number of relevant documents (not capped at k).
func AveragePrecision(ranked []string, rel map[string]bool, k int) float64 {
	if len(rel) == 0 {
		return 0
	}
	hits, sum := 0, 0.0
	for i, d := range ranked {
		if i >= k {
			break
		}
		if rel[d] {
			hits++
			sum += float64(hits) / float64(i+1)
		}
	}
	return sum / float64(len(rel))
}

// ReciprocalRank returns 1/rank of the first relevant document, 0 if none.
func ReciprocalRank(ranked []string, rel map[string]bool) float64 {
	for i, d := range ranked {
		if rel[d] {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// perQuery returns the gold query ids sorted and, for each, AP@5.
func goldIDs(q Qrels) []string {
	ids := make([]string, 0, len(q))
	for id := range q {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Match scores a ranking against qrels. Every gold query counts; one missing
// from the ranking scores 0.
func Match(run Ranking, q Qrels) MatchScores {
	ids := goldIDs(q)
	var s MatchScores
	for _, id := range ids {
		r := run[id]
		s.MAP1 += AveragePrecision(r, q[id], 1)
		s.MAP5 += AveragePrecision(r, q[id], 5)
		s.MRR += ReciprocalRank(r, q[id])
		if len(r) > 0 && q[id][r[0]] {
			s.P1++
		}
	}
	s.Queries = len(ids)
	if n := float64(len(ids)); n > 0 {
		s.MAP1 /= n
		s.MAP5 /= n
		s.MRR /= n
		s.P1 /= n
	}
	return s
}

// PerQueryAP5 returns AP@5 of every gold query, in sorted query-id order.
func PerQueryAP5(run Ranking, q Qrels) []float64 {
	ids := goldIDs(q)
	out := make([]float64, len(ids))
	for i, id := range ids {
		out[i] = AveragePrecision(run[id], q[id], 5)
	}
	return out
}

// Bootstrap returns the 95% percentile interval of the mean of xs over
// rounds resamples with replacement, from a fixed seed (deterministic).
func Bootstrap(xs []float64, rounds int, seed uint64) (lo, hi float64) {
	if len(xs) == 0 || rounds <= 0 {
		return 0, 0
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	means := make([]float64, rounds)
	for r := range means {
		sum := 0.0
		for range xs {
			sum += xs[rng.IntN(len(xs))]
		}
		means[r] = sum / float64(len(xs))
	}
	sort.Float64s(means)
	at := func(p float64) float64 {
		i := int(math.Floor(p * float64(rounds-1)))
		return means[i]
	}
	return at(0.025), at(0.975)
}

// PairedBootstrap returns the 95% percentile interval of the mean of
// a[i] − b[i] over rounds resamples of the indices with replacement, from a
// fixed seed (deterministic): the paired comparison of two systems scored
// on the same queries. a and b must have the same length.
func PairedBootstrap(a, b []float64, rounds int, seed uint64) (lo, hi float64) {
	if len(a) != len(b) {
		return 0, 0
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return Bootstrap(d, rounds, seed)
}

// WorthScores are the check-worthiness measures.
type WorthScores struct {
	MAP       float64 `json:"map"`
	P10       float64 `json:"p@10"`
	F1        float64 `json:"f1"`
	Sentences int     `json:"sentences"`
}

// Worthiness scores sentence scores (same order as sents): MAP over the
// ranking of each group by decreasing score (ties by id), averaged over
// groups; P@10 averaged over groups; F1 of the positive class for score >=
// threshold.
func Worthiness(sents []Sentence, scores []float64, threshold float64) WorthScores {
	groups := map[string][]int{}
	var names []string
	for i, s := range sents {
		if _, ok := groups[s.Group]; !ok {
			names = append(names, s.Group)
		}
		groups[s.Group] = append(groups[s.Group], i)
	}
	sort.Strings(names)
	var ws WorthScores
	for _, g := range names {
		idx := groups[g]
		sort.SliceStable(idx, func(a, b int) bool {
			ia, ib := idx[a], idx[b]
			if scores[ia] != scores[ib] {
				return scores[ia] > scores[ib]
			}
			return sents[ia].ID < sents[ib].ID
		})
		pos, hits, sum, top := 0, 0, 0.0, 0
		for _, i := range idx {
			if sents[i].Label > 0 {
				pos++
			}
		}
		for r, i := range idx {
			if sents[i].Label > 0 {
				hits++
				sum += float64(hits) / float64(r+1)
				if r < 10 {
					top++
				}
			}
		}
		if pos > 0 {
			ws.MAP += sum / float64(pos)
		}
		ws.P10 += float64(top) / 10
	}
	if n := float64(len(names)); n > 0 {
		ws.MAP /= n
		ws.P10 /= n
	}
	tp, fp, fn := 0, 0, 0
	for i, s := range sents {
		pred := scores[i] >= threshold
		switch {
		case pred && s.Label > 0:
			tp++
		case pred:
			fp++
		case s.Label > 0:
			fn++
		}
	}
	if tp > 0 {
		p := float64(tp) / float64(tp+fp)
		r := float64(tp) / float64(tp+fn)
		ws.F1 = 2 * p * r / (p + r)
	}
	ws.Sentences = len(sents)
	return ws
}
