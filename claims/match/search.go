package match

import (
	"context"
	"math"
	"slices"
	"sort"
)

// Embedder turns texts into vectors for a semantic-similarity feature. An
// implementation may call a local model or a service; it must be safe for
// concurrent use and return one vector per text.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Options tune one search.
type Options struct {
	Lang     string   // language of the query; "" detects it
	Limit    int      // results returned (default 5)
	Clean    bool     // apply Clean to the query (social text)
	Model    *Model   // re-ranker; nil uses DefaultModel
	Embedder Embedder // optional semantic stage
	// Stages switches re-ranking off for ablations: "bm25" ranks by BM25F only.
	Stages string
}

// Result is one matched document.
type Result struct {
	ID            string
	Score         float64   // calibrated probability in [0,1]
	BM25          float64   // BM25F score
	Features      []float64 // in FeatureNames order
	SharedTerms   []string  // folded surface forms of shared terms, by decreasing idf
	SharedNumbers []string
}

var defaultModel = DefaultModel()

// Search returns the best documents for q, best first (ties by id).
func (x *Index) Search(q string, opt Options) []Result {
	r, _ := x.SearchContext(context.Background(), q, opt)
	return r
}

// SearchContext is Search with a context for the Embedder; the error is the
// Embedder's (the lexical results are still returned).
func (x *Index) SearchContext(ctx context.Context, q string, opt Options) ([]Result, error) {
	if opt.Clean {
		q = Clean(q)
	}
	lang := opt.Lang
	if lang == "" {
		lang = detectLang(q)
	}
	m := opt.Model
	if m == nil {
		m = &defaultModel
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = 5
	}
	qp := prepareQuery(q, lang)
	x.mu.RLock()
	hits := x.bm25Locked(qp.textStems, max(m.Candidates, limit))
	res := make([]Result, len(hits))
	docs := make([]*docInfo, len(hits))
	for i, h := range hits {
		d := &x.docs[h.doc]
		docs[i] = d
		res[i] = x.featuresLocked(qp, d, h, hits[0].score, i)
	}
	x.relativeFeaturesLocked(res, docs)
	x.mu.RUnlock()
	var err error
	if opt.Embedder != nil && len(res) > 0 {
		err = embedFeature(ctx, opt.Embedder, q, docs, res)
	}
	for i := range res {
		if opt.Stages == "bm25" {
			res[i].Score = res[i].BM25 / (res[i].BM25 + 10)
			continue
		}
		res[i].Score = math.Max(m.Prob(res[i].Features), nearDuplicate(res[i].Features))
	}
	sort.SliceStable(res, func(i, j int) bool {
		if res[i].Score != res[j].Score {
			return res[i].Score > res[j].Score
		}
		return lessID(res[i].ID, res[j].ID)
	})
	if opt.Stages != "nodup" {
		x.mu.RLock()
		keys := make([]string, len(res))
		for i, r := range res {
			if n, ok := x.byID[r.ID]; ok {
				keys[i] = x.docs[n].prep.key
			}
		}
		x.mu.RUnlock()
		groupDuplicates(res, keys)
	}
	if len(res) > limit {
		res = res[:limit]
	}
	return res, err
}

func (x *Index) featuresLocked(qp *prepared, d *docInfo, h hit, top float64, rank int) Result {
	dp := d.prep
	qs := uniqSorted(qp.textStems)
	ts := uniqSorted(dp.textStems)
	tis := uniqSorted(dp.titleStems)
	var qIdf, tIdf, tiIdf, sharedQ, sharedT, sharedTi float64
	type st struct {
		s   string
		idf float64
	}
	var shared []st
	for _, s := range qs {
		idf := x.idfLocked(s)
		qIdf += idf
		inT := contains(ts, s)
		inTi := contains(tis, s)
		if inT || inTi {
			sharedQ += idf
			shared = append(shared, st{s, idf})
		}
		if inT {
			sharedT += idf
		}
		if inTi {
			sharedTi += idf
		}
	}
	for _, s := range ts {
		tIdf += x.idfLocked(s)
	}
	for _, s := range tis {
		tiIdf += x.idfLocked(s)
	}
	sort.Slice(shared, func(i, j int) bool {
		if shared[i].idf != shared[j].idf {
			return shared[i].idf > shared[j].idf
		}
		return shared[i].s < shared[j].s
	})
	terms := make([]string, 0, len(shared))
	for _, s := range shared {
		w := qp.surface[s.s]
		if w == "" {
			w = s.s
		}
		terms = append(terms, w)
	}
	nums := intersect(qp.numbers, dp.numbers)
	conflict := 0.0
	if len(qp.numbers) > 0 && len(dp.numbers) > 0 && len(nums) == 0 {
		conflict = 1
	}
	entJ := 0.0
	if u := len(qp.entities) + len(dp.entities); u > 0 {
		in := intersectCount(qp.entities, dp.entities)
		entJ = float64(in) / float64(u-in)
	}
	f := []float64{
		h.score / top,
		ratio(sharedQ, qIdf),
		ratio(sharedT, tIdf),
		ratio(sharedTi, tiIdf),
		cosineSets(qp.gramsText, dp.gramsText),
		cosineSets(qp.gramsText, dp.gramsTitle),
		math.Min(float64(len(nums)), 3) / 3,
		conflict,
		entJ,
		1 / float64(1+rank),
		0,
		x.fieldBM25Locked(qs, dp.textStems, x.sumText),
		x.fieldBM25Locked(qs, dp.titleStems, x.sumTitle),
		x.tfidfCosLocked(qp.textStems, append(append([]string(nil), dp.textStems...), dp.titleStems...)),
		bigramShare(qp.textStems, dp.textStems, dp.titleStems),
		0,
	}
	return Result{ID: d.id, BM25: h.score, Features: f, SharedTerms: terms, SharedNumbers: nums}
}

func embedFeature(ctx context.Context, e Embedder, q string, docs []*docInfo, res []Result) error {
	texts := make([]string, 0, len(docs)+1)
	texts = append(texts, q)
	for _, d := range docs {
		texts = append(texts, d.doc.Text+" "+d.doc.Title)
	}
	vs, err := e.Embed(ctx, texts)
	if err != nil || len(vs) != len(texts) {
		return err
	}
	for i := range res {
		res[i].Features[len(FeatureNames)-1] = cosine32(vs[0], vs[i+1])
	}
	return nil
}

func cosine32(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return d / math.Sqrt(na*nb)
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func uniqSorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

func contains(sorted []string, s string) bool {
	_, ok := slices.BinarySearch(sorted, s)
	return ok
}

// fieldBM25Locked scores one field of a document for the unique query stems.
func (x *Index) fieldBM25Locked(qs, field []string, sumLen float64) float64 {
	if len(field) == 0 || x.live == 0 {
		return 0
	}
	avg := sumLen / float64(x.live)
	if avg <= 0 {
		avg = 1
	}
	tf := map[string]int{}
	for _, s := range field {
		tf[s]++
	}
	score := 0.0
	for _, s := range qs {
		f := float64(tf[s])
		if f == 0 {
			continue
		}
		f = f / (1 - bText + bText*float64(len(field))/avg)
		score += x.idfLocked(s) * f * (k1 + 1) / (f + k1)
	}
	return score
}

// tfidfCosLocked is the cosine of the tf-idf vectors of two stem lists.
func (x *Index) tfidfCosLocked(a, b []string) float64 {
	va, vb := map[string]float64{}, map[string]float64{}
	for _, s := range a {
		va[s]++
	}
	for _, s := range b {
		vb[s]++
	}
	keys := make([]string, 0, len(va)+len(vb))
	for k := range va {
		keys = append(keys, k)
	}
	for k := range vb {
		if _, ok := va[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var dot, na, nb float64
	for _, k := range keys {
		idf := x.idfLocked(k)
		wa := math.Log1p(va[k]) * idf
		wb := math.Log1p(vb[k]) * idf
		dot += wa * wb
		na += wa * wa
		nb += wb * wb
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func bigramShare(q, text, title []string) float64 {
	if len(q) < 2 {
		return 0
	}
	set := map[string]bool{}
	for _, f := range [][]string{text, title} {
		for i := 1; i < len(f); i++ {
			set[f[i-1]+" "+f[i]] = true
		}
	}
	n := 0
	for i := 1; i < len(q); i++ {
		if set[q[i-1]+" "+q[i]] {
			n++
		}
	}
	return float64(n) / float64(len(q)-1)
}

// relativeFeaturesLocked turns field BM25 scores into ratios over the best
// candidate's and counts duplicate claim texts among the candidates.
func (x *Index) relativeFeaturesLocked(res []Result, docs []*docInfo) {
	iText, iTitle, iDup := len(FeatureNames)-5, len(FeatureNames)-4, len(FeatureNames)-1
	var mt, mti float64
	count := map[string]int{}
	for i, r := range res {
		mt = math.Max(mt, r.Features[iText])
		mti = math.Max(mti, r.Features[iTitle])
		count[docs[i].prep.key]++
	}
	for i := range res {
		f := res[i].Features
		f[iText] = ratio(f[iText], mt)
		f[iTitle] = ratio(f[iTitle], mti)
		f[iDup] = math.Log(float64(count[docs[i].prep.key]))
	}
}

// nearDuplicate returns the character 4-gram similarity of a query and a
// claim that share (almost) all their terms both ways, else 0: a near-verbatim
// repeat of a fact-checked claim is a match whatever the learned model
// (trained on noisy tweets, where verbatim repeats are rare) says.
func nearDuplicate(f []float64) float64 {
	const qc, cc, c4 = 1, 2, 4 // indices of query_cover, claim_cover, char4_text
	if f[qc] >= 0.9 && f[cc] >= 0.9 && f[c4] >= 0.8 {
		return f[c4]
	}
	return 0
}
