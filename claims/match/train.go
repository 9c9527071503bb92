package match

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// LabeledQuery is a training query with its relevant document ids.
type LabeledQuery struct {
	Text     string
	Relevant map[string]bool
}

// TrainOptions tune Train.
type TrainOptions struct {
	Lang       string  // language of the queries ("" detects)
	Candidates int     // BM25 candidates per query (default 30)
	L2         float64 // L2 penalty on standardised weights (default 1)
	Source     string  // provenance written into the model
	// Ascent refines the logistic weights by coordinate ascent on the mean
	// AP@5 of the train queries (a listwise objective).
	Ascent bool
	// Pairwise fits the weights on differences between each relevant
	// candidate and the non-relevant ones of the same query (a RankNet-style
	// linear model) instead of pointwise.
	Pairwise bool
	// Embedder, when set, feeds the embedding feature during training.
	Embedder Embedder
	// Lexical leaves the word-vector feature out (weight 0): the ablation
	// of the semantic stage.
	Lexical bool
	// SplitCompounds sets Model.SplitCompounds (queries' glued words split
	// in training and in use).
	SplitCompounds bool
	// Omit names features left out (weight 0), for ablations.
	Omit []string
	// Judged are claim–fact-check pairs people judged (their fact-checks
	// must be documents of the index). They join the training data: every
	// confirmed pair should outscore every rejected one, of any claim, since
	// an automatic match is one threshold for all claims (pairwise; the
	// pointwise ablation takes them as labelled rows), and every judged
	// pair joins the calibration; each weighs JudgedWeight in all (default
	// DefaultJudgedWeight) against one train candidate.
	Judged       []Judged
	JudgedWeight float64
}

// Judged is one claim–fact-check pair a person judged.
type Judged struct {
	Query string // the claim's sentence
	Lang  string // its language ("" detects)
	Year  int    // the year it was published (0: unknown)
	DocID string // the fact-check, a document of the index
	Same  bool   // confirmed as the same claim; false: rejected
}

// DefaultJudgedWeight is how many train candidates one judged pair weighs:
// a newsroom's few hundred judgements then count as much as the thousands of
// candidates of the base training set.
const DefaultJudgedWeight = 10

// Train fits the re-ranker on train (logistic regression on standardised
// features of the BM25 candidates, Newton's method with an L2 penalty) and
// its Platt calibration on dev. It is deterministic: the same index, queries
// and options give a byte-identical model (see Model.MarshalIndent).
func Train(ctx context.Context, idx *Index, train, dev []LabeledQuery, opt TrainOptions) (Model, error) {
	if opt.Candidates <= 0 {
		opt.Candidates = 30
	}
	if opt.L2 <= 0 {
		opt.L2 = 1
	}
	for _, name := range opt.Omit {
		if !slices.Contains(FeatureNames, name) {
			return Model{}, fmt.Errorf("train matcher: no feature %q to omit", name)
		}
	}
	n := len(FeatureNames)
	base := Model{Weights: make([]float64, n), Mean: make([]float64, n), Scale: ones(n), A: 1, Candidates: opt.Candidates, SplitCompounds: opt.SplitCompounds, Source: opt.Source}
	X, y, groups, err := candidates(ctx, idx, train, opt, &base, false)
	if err != nil {
		return Model{}, err
	}
	if len(X) == 0 {
		return Model{}, fmt.Errorf("train matcher: no candidates")
	}
	if opt.JudgedWeight <= 0 {
		opt.JudgedWeight = DefaultJudgedWeight
	}
	J, err := judgedFeatures(ctx, idx, opt.Judged, &base)
	if err != nil {
		return Model{}, err
	}
	// absent features take the mean of the present ones (as in Search)
	for j := 0; j < n; j++ {
		var s float64
		k := 0
		for _, x := range X {
			if !math.IsNaN(x[j]) {
				s += x[j]
				k++
			}
		}
		mu := 0.0
		if k > 0 {
			mu = s / float64(k)
		}
		for _, x := range X {
			if math.IsNaN(x[j]) {
				x[j] = mu
			}
		}
		for _, x := range J.X {
			if math.IsNaN(x[j]) {
				x[j] = mu
			}
		}
	}
	// standardise
	for j := 0; j < n; j++ {
		var s, ss float64
		for _, x := range X {
			s += x[j]
		}
		mu := s / float64(len(X))
		for _, x := range X {
			ss += (x[j] - mu) * (x[j] - mu)
		}
		sd := math.Sqrt(ss / float64(len(X)))
		if sd < 1e-9 {
			sd = 0 // constant feature: weight stays 0
		}
		base.Mean[j], base.Scale[j] = mu, sd
	}
	Z := make([][]float64, len(X))
	for i, x := range X {
		z := make([]float64, n+1)
		for j := 0; j < n; j++ {
			if base.Scale[j] > 0 {
				z[j] = (x[j] - base.Mean[j]) / base.Scale[j]
			}
		}
		z[n] = 1 // bias
		Z[i] = z
	}
	// Fit, then drop any feature whose weight has the wrong sign for its
	// declared monotonicity and refit, so that the model never scores a closer
	// match lower (it extrapolates sanely to exact repeats, which training
	// tweets rarely are).
	dropped := make([]bool, n)
	omit := slices.Clone(opt.Omit)
	if opt.Lexical {
		omit = append(omit, FeatureNames[featWVCos])
	}
	for _, name := range omit {
		j := featureIndex(name)
		dropped[j] = true
		for _, z := range Z {
			z[j] = 0
		}
	}
	zy, zw := y, []float64(nil)
	if len(J.X) > 0 && !opt.Pairwise { // the pairwise fit takes them below

		zw = make([]float64, len(Z), len(Z)+len(J.X))
		for i := range zw {
			zw[i] = 1
		}
		zy = slices.Clone(y)
		for i := range J.X {
			Z = append(Z, J.standardised(i, &base, dropped, 1))
			zy = append(zy, J.y[i])
			zw = append(zw, opt.JudgedWeight)
		}
	}
	var w []float64
	for round := 0; round <= n; round++ {
		w = newtonLogistic(Z, zy, zw, opt.L2, n)
		bad := -1
		worst := 0.0
		for j := 0; j < n; j++ {
			if v := w[j] * featureSign[j]; !dropped[j] && v < worst {
				bad, worst = j, v
			}
		}
		if bad < 0 {
			break
		}
		dropped[bad] = true
		for _, z := range Z {
			z[bad] = 0
		}
	}
	for j := 0; j < n; j++ {
		if base.Scale[j] == 0 {
			base.Scale[j] = 1
			w[j] = 0
		}
	}
	base.Weights, base.Bias = w[:n], w[n]
	if opt.Pairwise {
		var P [][]float64
		var py []float64
		for _, g := range groups {
			for i := range g.X {
				if g.y[i] == 0 {
					continue
				}
				for j := range g.X {
					if g.y[j] != 0 {
						continue
					}
					d := make([]float64, n)
					for k := 0; k < n; k++ {
						if base.Scale[k] > 0 && !dropped[k] {
							d[k] = (g.X[i][k] - g.X[j][k]) / base.Scale[k]
						}
					}
					// both orientations: a symmetric problem without a bias
					neg := make([]float64, n)
					for k := range d {
						neg[k] = -d[k]
					}
					P = append(P, d, neg)
					py = append(py, 1, 0)
				}
			}
		}
		var pw []float64
		if len(J.pairs) > 0 {
			// judged pairs: every confirmed pair should outscore every
			// rejected one, of any claim (an automatic match is one
			// threshold for all claims); each judged pair weighs
			// JudgedWeight in all, against 1 for a train candidate's pair
			pw = make([]float64, len(P))
			for i := range pw {
				pw[i] = 1
			}
			rw := opt.JudgedWeight * float64(len(J.X)) / float64(2*len(J.pairs))
			for _, pr := range J.pairs {
				d := J.difference(pr[0], pr[1], &base, dropped)
				neg := make([]float64, len(d))
				for k := range d {
					neg[k] = -d[k]
				}
				P = append(P, d, neg)
				py = append(py, 1, 0)
				pw = append(pw, rw, rw)
			}
		}
		if len(P) > 0 {
			// same sign constraint as above: drop the worst violator, refit
			for round := 0; round <= n; round++ {
				base.Weights = newtonLogistic(P, py, pw, opt.L2, n)
				bad, worst := -1, 0.0
				for j := 0; j < n; j++ {
					if v := base.Weights[j] * featureSign[j]; !dropped[j] && v < worst {
						bad, worst = j, v
					}
				}
				if bad < 0 {
					break
				}
				dropped[bad] = true
				for _, d := range P {
					d[bad] = 0
				}
			}
			for j := range base.Weights {
				if dropped[j] {
					base.Weights[j] = 0
				}
			}
			base.Bias = 0
		}
	}
	if opt.Ascent {
		for gi := range groups {
			g := &groups[gi]
			for i, x := range g.X {
				z := make([]float64, n)
				for j := 0; j < n; j++ {
					z[j] = (x[j] - base.Mean[j]) / base.Scale[j]
				}
				g.X[i] = z
			}
		}
		base.Weights = coordinateAscent(groups, base.Weights, 20)
		base.Bias = 0
	}
	// Platt calibration on dev raw scores
	if len(dev) > 0 {
		Xd, yd, _, err := candidates(ctx, idx, dev, opt, &base, true)
		if err != nil {
			return Model{}, err
		}
		P := make([][]float64, len(Xd))
		for i, x := range Xd {
			P[i] = []float64{base.Raw(x), 1}
		}
		var pw []float64
		if len(J.X) > 0 {
			pw = make([]float64, len(P))
			for i := range pw {
				pw[i] = 1
			}
			for i, x := range J.X {
				P = append(P, []float64{base.Raw(x), 1})
				yd = append(yd, J.y[i])
				pw = append(pw, opt.JudgedWeight)
			}
		}
		ab := newtonLogistic(P, yd, pw, 1e-3, 2)
		base.A, base.B = ab[0], ab[1]
	}
	return base, nil
}

// judgedSet holds the features of judged pairs (absent features NaN until
// imputed), their labels, and every (confirmed, rejected) pair of them.
type judgedSet struct {
	X     [][]float64
	y     []float64
	pairs [][2]int // indices into X: confirmed, rejected
}

// standardised returns row i standardised by m, dropped features zeroed,
// with a last bias column holding bias.
func (j *judgedSet) standardised(i int, m *Model, dropped []bool, bias float64) []float64 {
	n := len(FeatureNames)
	z := make([]float64, n+1)
	for k := 0; k < n; k++ {
		if m.Scale[k] > 0 && !dropped[k] {
			z[k] = (j.X[i][k] - m.Mean[k]) / m.Scale[k]
		}
	}
	z[n] = bias
	return z
}

// difference returns the standardised difference of rows a and b.
func (j *judgedSet) difference(a, b int, m *Model, dropped []bool) []float64 {
	n := len(FeatureNames)
	d := make([]float64, n)
	for k := 0; k < n; k++ {
		if m.Scale[k] > 0 && !dropped[k] {
			d[k] = (j.X[a][k] - j.X[b][k]) / m.Scale[k]
		}
	}
	return d
}

// judgedFeatures computes the features of each judged pair as the matcher
// sees it: the claim's sentence cleaned, searched with the fact-check
// re-ranked among the BM25F candidates.
func judgedFeatures(ctx context.Context, idx *Index, js []Judged, m *Model) (judgedSet, error) {
	var set judgedSet
	type key struct {
		q, lang string
		year    int
	}
	var order []key
	byClaim := map[key][]int{}
	for i, j := range js {
		k := key{j.Query, j.Lang, j.Year}
		if _, ok := byClaim[k]; !ok {
			order = append(order, k)
		}
		byClaim[k] = append(byClaim[k], i)
	}
	for _, k := range order {
		if err := ctx.Err(); err != nil {
			return set, fmt.Errorf("train matcher: %w", err)
		}
		members := byClaim[k]
		ids := make([]string, len(members))
		for i, ji := range members {
			ids[i] = js[ji].DocID
		}
		rs, err := idx.search(ctx, Clean(k.q), Options{Lang: k.lang, Year: k.year, Limit: m.Candidates, Model: m, Stages: "bm25", include: ids}, false)
		if err != nil {
			return set, fmt.Errorf("train matcher: %w", err)
		}
		for _, ji := range members {
			at := slices.IndexFunc(rs, func(r Result) bool { return r.ID == js[ji].DocID })
			if at < 0 {
				return set, fmt.Errorf("train matcher: judged fact-check %q is not in the index (or the claim %q has no words)", js[ji].DocID, k.q)
			}
			set.X = append(set.X, slices.Clone(rs[at].Features))
			if js[ji].Same {
				set.y = append(set.y, 1)
			} else {
				set.y = append(set.y, 0)
			}
		}
	}
	for c := range set.X {
		for r := range set.X {
			if set.y[c] == 1 && set.y[r] == 0 {
				set.pairs = append(set.pairs, [2]int{c, r})
			}
		}
	}
	return set, nil
}

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// candidates returns the features of the BM25F candidates of qs; with impute
// false, absent features are NaN.
func candidates(ctx context.Context, idx *Index, qs []LabeledQuery, opt TrainOptions, m *Model, impute bool) ([][]float64, []float64, []rankGroup, error) {
	var X [][]float64
	var y []float64
	var groups []rankGroup
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, fmt.Errorf("train matcher: %w", err)
		}
		rs, err := idx.search(ctx, q.Text, Options{Lang: opt.Lang, Limit: opt.Candidates, Clean: true, Model: m, Embedder: opt.Embedder, Stages: "bm25"}, impute)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("train matcher: %w", err)
		}
		g := rankGroup{nrel: len(q.Relevant)}
		for _, r := range rs {
			X = append(X, r.Features)
			g.X = append(g.X, r.Features)
			g.ids = append(g.ids, r.ID)
			if q.Relevant[r.ID] {
				y = append(y, 1)
				g.y = append(g.y, 1)
			} else {
				y = append(y, 0)
				g.y = append(g.y, 0)
			}
		}
		groups = append(groups, g)
	}
	return X, y, groups, nil
}

// newtonLogistic fits logistic regression weights (last column is the bias,
// not penalised: the first pen columns are) by Newton's method; wts weighs
// the rows (nil: all 1).
func newtonLogistic(Z [][]float64, y, wts []float64, l2 float64, pen int) []float64 {
	d := len(Z[0])
	w := make([]float64, d)
	for it := 0; it < 50; it++ {
		g := make([]float64, d)
		H := make([][]float64, d)
		for i := range H {
			H[i] = make([]float64, d)
		}
		for i, z := range Z {
			s := 0.0
			for j := range z {
				s += w[j] * z[j]
			}
			p := sigmoid(s)
			wi := 1.0
			if wts != nil {
				wi = wts[i]
			}
			r := wi * p * (1 - p)
			for j := range z {
				g[j] += wi * (p - y[i]) * z[j]
				if z[j] == 0 {
					continue
				}
				for k := range z {
					H[j][k] += r * z[j] * z[k]
				}
			}
		}
		for j := 0; j < pen && j < d; j++ {
			g[j] += l2 * w[j]
			H[j][j] += l2
		}
		for j := 0; j < d; j++ {
			H[j][j] += 1e-9
		}
		step := solve(H, g)
		maxStep := 0.0
		for j := range w {
			w[j] -= step[j]
			maxStep = math.Max(maxStep, math.Abs(step[j]))
		}
		if maxStep < 1e-10 {
			break
		}
	}
	return w
}

// solve solves H x = g by Gaussian elimination with partial pivoting.
func solve(H [][]float64, g []float64) []float64 {
	n := len(g)
	a := make([][]float64, n)
	for i := range a {
		a[i] = append(append([]float64{}, H[i]...), g[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		if math.Abs(a[c][c]) < 1e-300 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k <= n; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := a[r][n]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		if math.Abs(a[r][r]) > 1e-300 {
			x[r] = s / a[r][r]
		}
	}
	return x
}

// MarshalIndent encodes the model as the committed JSON file.
func (m Model) MarshalIndent() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode matcher model: %w", err)
	}
	return append(b, '\n'), nil
}
