package eval

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"

	"vigie/claims"
)

// ClusterPairs are the pairs of a split's queries that clustering is
// measured on: Same holds every pair of queries that share a gold claim,
// Different every pair that shares none, Sample a sample of Different.
type ClusterPairs struct {
	Texts     []string // the gold queries, in file order
	Same      [][2]int
	Different [][2]int
	Sample    [][2]int
}

// ReadClusterPairs reads a claim-matching split (queries and qrels) as
// pairs: tweets (or sentences) sharing a gold claim are the same claim;
// Sample draws negatives per same-claim pair from the pairs sharing none,
// without replacement, from a fixed seed.
func ReadClusterPairs(queries, qrels string, negatives int, seed uint64) (ClusterPairs, error) {
	qs, err := readFile(queries, ReadQueries)
	if err != nil {
		return ClusterPairs{}, err
	}
	qr, err := readFile(qrels, ReadQrels)
	if err != nil {
		return ClusterPairs{}, err
	}
	var p ClusterPairs
	var gold []map[string]bool
	for _, q := range qs {
		if g := qr[q.ID]; len(g) > 0 {
			p.Texts = append(p.Texts, q.Text)
			gold = append(gold, g)
		}
	}
	for i := range gold {
		for j := i + 1; j < len(gold); j++ {
			share := false
			for g := range gold[i] {
				if gold[j][g] {
					share = true
					break
				}
			}
			if share {
				p.Same = append(p.Same, [2]int{i, j})
			} else {
				p.Different = append(p.Different, [2]int{i, j})
			}
		}
	}
	n := min(negatives*len(p.Same), len(p.Different))
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	perm := rng.Perm(len(p.Different))[:n]
	for _, k := range perm {
		p.Sample = append(p.Sample, p.Different[k])
	}
	return p, nil
}

// ClusterScores are the measures of "same cluster" on ClusterPairs.
type ClusterScores struct {
	Method    string  `json:"method"`
	Threshold float64 `json:"threshold"`
	// Precision is over the same-claim pairs and the sampled others.
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// FalsePositiveRate is over every pair of different claims.
	FalsePositiveRate float64 `json:"false_positive_rate"`
	Clusters          int     `json:"clusters"`
	// Same and Sample count the same-claim pairs and the sampled
	// different-claim pairs scored.
	Same, Sample int `json:"-"`
}

// ScoreClusters measures an assignment of cluster ids (parallel to
// p.Texts; "" is no cluster) on the pairs.
func ScoreClusters(p ClusterPairs, ids []string) ClusterScores {
	same := func(pr [2]int) bool { return ids[pr[0]] != "" && ids[pr[0]] == ids[pr[1]] }
	var s ClusterScores
	tp, fp, fpAll := 0, 0, 0
	for _, pr := range p.Same {
		if same(pr) {
			tp++
		}
	}
	for _, pr := range p.Sample {
		if same(pr) {
			fp++
		}
	}
	for _, pr := range p.Different {
		if same(pr) {
			fpAll++
		}
	}
	if tp+fp > 0 {
		s.Precision = float64(tp) / float64(tp+fp)
	}
	if len(p.Same) > 0 {
		s.Recall = float64(tp) / float64(len(p.Same))
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	if len(p.Different) > 0 {
		s.FalsePositiveRate = float64(fpAll) / float64(len(p.Different))
	}
	distinct := map[string]bool{}
	for _, id := range ids {
		if id != "" {
			distinct[id] = true
		}
	}
	s.Clusters, s.Same, s.Sample = len(distinct), len(p.Same), len(p.Sample)
	return s
}

// FingerprintClusters assigns clusters as the matcher service does from
// SimHash fingerprints: each claim joins the nearest earlier cluster seed
// within maxDistance bits (ties: the smaller fingerprint), else seeds a new
// cluster; an empty fingerprint has none.
func FingerprintClusters(texts []string, lang string, maxDistance int) []string {
	var seeds []uint64
	ids := make([]string, len(texts))
	for i, t := range texts {
		fp := claims.Fingerprint(t, lang)
		if fp == 0 {
			continue
		}
		best, bestD := uint64(0), maxDistance+1
		for _, s := range seeds {
			if d := claims.Distance(fp, s); d < bestD || d == bestD && s < best {
				best, bestD = s, d
			}
		}
		if bestD > maxDistance {
			seeds = append(seeds, fp)
			best = fp
		}
		ids[i] = fmt.Sprintf("%016x", best)
	}
	return ids
}

// SameClaimClusters assigns clusters with a claims.Clusterer over store at
// threshold, in text order.
func SameClaimClusters(texts []string, lang string, store *claims.Store, threshold float64) []string {
	c := claims.NewClusterer(store, threshold, 0)
	ids := make([]string, len(texts))
	for i, t := range texts {
		ids[i] = c.Assign(fmt.Sprint(i), c.Sketch(t, lang))
	}
	return ids
}

// clusterCommand measures clustering on a claim-matching split: the SimHash
// fingerprint clusters of the matcher service and the Clusterer's, at the
// chosen thresholds, and a sweep of each.
func clusterCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "claim-matching data set folder (vclaims.tsv, SPLIT/queries.tsv, SPLIT/qrels.tsv)")
	split := fs.String("split", "dev", "split whose queries are paired")
	lang := fs.String("lang", "en", "language of the queries and claims")
	threshold := fs.Float64("threshold", claims.SameClaimThreshold, "same-claim similarity threshold of the Clusterer")
	distance := fs.Int("distance", claims.NearDistance, "largest Hamming distance of fingerprints in one cluster")
	negatives := fs.Int("negatives", 10, "pairs of different claims sampled per same-claim pair (precision)")
	seed := fs.Uint64("seed", 1, "seed of the sample")
	sweep := fs.Bool("sweep", false, "also print a sweep over thresholds and distances")
	asJSON := fs.Bool("json", false, "print JSON lines")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("eval cluster: %w", err)
	}
	if *dir == "" {
		return errors.New("eval cluster: --dir is required")
	}
	p, err := ReadClusterPairs(filepath.Join(*dir, *split, "queries.tsv"), filepath.Join(*dir, *split, "qrels.tsv"), *negatives, *seed)
	if err != nil {
		return fmt.Errorf("eval cluster: %w", err)
	}
	fcs, err := readFile(filepath.Join(*dir, "vclaims.tsv"), claims.LoadTSV)
	if err != nil {
		return fmt.Errorf("eval cluster: %w", err)
	}
	for i := range fcs {
		if fcs[i].Language == "" {
			fcs[i].Language = *lang
		}
	}
	store := claims.NewStore()
	store.Add(fcs...)
	var rows []ClusterScores
	add := func(method string, th float64, ids []string) {
		s := ScoreClusters(p, ids)
		s.Method, s.Threshold = method, th
		rows = append(rows, s)
	}
	add("fingerprint", float64(*distance), FingerprintClusters(p.Texts, *lang, *distance))
	add("same-claim", *threshold, SameClaimClusters(p.Texts, *lang, store, *threshold))
	if *sweep {
		for d := 0; d <= 24; d += 2 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("eval cluster: %w", err)
			}
			add("fingerprint", float64(d), FingerprintClusters(p.Texts, *lang, d))
		}
		for t := 5; t <= 80; t += 5 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("eval cluster: %w", err)
			}
			th := float64(t) / 100
			add("same-claim", th, SameClaimClusters(p.Texts, *lang, store, th))
		}
	}
	// reworded repeats: each query against the fact-checked claim it repeats
	// (same claim, other wording) and against sampled other claims
	qr, err := readFile(filepath.Join(*dir, *split, "qrels.tsv"), ReadQrels)
	if err != nil {
		return fmt.Errorf("eval cluster: %w", err)
	}
	qs, err := readFile(filepath.Join(*dir, *split, "queries.tsv"), ReadQueries)
	if err != nil {
		return fmt.Errorf("eval cluster: %w", err)
	}
	rows = append(rows, rewordedPairs(qs, qr, fcs, store, *lang, *threshold, *distance, *negatives, *seed)...)
	if *asJSON {
		for _, r := range rows {
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("eval cluster: %w", err)
			}
			if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
				return err
			}
		}
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "queries %d, same-claim pairs %d, sampled different-claim pairs %d (seed %d), all different-claim pairs %d\n",
		len(p.Texts), len(p.Same), len(p.Sample), *seed, len(p.Different))
	fmt.Fprintf(&b, "%-12s %9s %9s %7s %7s %9s %8s\n", "method", "threshold", "precision", "recall", "F1", "FPR(all)", "clusters")
	for i, r := range rows {
		switch {
		case i == 2 && *sweep:
			b.WriteString("sweep:\n")
		case i == len(rows)-2:
			fmt.Fprintf(&b, "each query against the fact-checked claim it repeats (%d pairs) and %d sampled other claims each:\n", r.Same, *negatives)
		}
		fmt.Fprintf(&b, "%-12s %9.2f %9.4f %7.4f %7.4f %9.6f %8d\n", r.Method, r.Threshold, r.Precision, r.Recall, r.F1, r.FalsePositiveRate, r.Clusters)
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

// rewordedPairs measures the pairwise decisions (fingerprints within
// distance; Clusterer.SameClaim at threshold) on each gold query paired with
// the text of each fact-checked claim it repeats, against the query paired
// with negatives other claims drawn from a fixed seed. Precision is over
// both sets; the false-positive rate is that of the sample.
func rewordedPairs(qs []Query, qr Qrels, fcs []claims.FactCheck, store *claims.Store, lang string, threshold float64, distance, negatives int, seed uint64) []ClusterScores {
	byID := map[string]int{}
	for i, fc := range fcs {
		byID[fc.ID] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x51ed270b27f0a39d))
	c := claims.NewClusterer(store, threshold, 0)
	type pair struct {
		q, fc int
		same  bool
	}
	var pairs []pair
	for qi, q := range qs {
		rel := qr[q.ID]
		for _, id := range sortedKeys(rel) {
			i, ok := byID[id]
			if !ok {
				continue
			}
			pairs = append(pairs, pair{qi, i, true})
			for n := 0; n < negatives; n++ {
				k := rng.IntN(len(fcs))
				if rel[fcs[k].ID] {
					continue
				}
				pairs = append(pairs, pair{qi, k, false})
			}
		}
	}
	score := func(method string, th float64, same func(q string, fc claims.FactCheck) bool) ClusterScores {
		s := ClusterScores{Method: method, Threshold: th}
		tp, fp := 0, 0
		for _, p := range pairs {
			got := same(qs[p.q].Text, fcs[p.fc])
			switch {
			case p.same:
				s.Same++
				if got {
					tp++
				}
			default:
				s.Sample++
				if got {
					fp++
				}
			}
		}
		if tp+fp > 0 {
			s.Precision = float64(tp) / float64(tp+fp)
		}
		if s.Same > 0 {
			s.Recall = float64(tp) / float64(s.Same)
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		if s.Sample > 0 {
			s.FalsePositiveRate = float64(fp) / float64(s.Sample)
		}
		return s
	}
	return []ClusterScores{
		score("fingerprint", float64(distance), func(q string, fc claims.FactCheck) bool {
			a, b := claims.Fingerprint(q, lang), claims.Fingerprint(fc.Text, lang)
			return a != 0 && claims.Distance(a, b) <= distance
		}),
		score("same-claim", threshold, func(q string, fc claims.FactCheck) bool {
			same, _ := c.SameClaim(claims.Claim{Text: q, Language: lang}, claims.Claim{Text: fc.Text, Language: lang})
			return same
		}),
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
