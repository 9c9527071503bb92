package match

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
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
	// Year is the year the query text was published (0: unknown; with
	// Clean, the date of an embedded tweet's signature is used when Year is 0).
	Year int
	// CapDecisive, when above 0, caps the score of a result with a decisive
	// disagreement (a figure central to both texts differs, see
	// Disagreement.Decisive) at this value before results are ordered.
	CapDecisive float64
	// include names documents re-ranked even when BM25F leaves them out
	// (their features are needed to train on judged pairs); they are
	// returned beyond Limit.
	include []string
	// Stages switches stages off for ablations, a comma-separated list:
	// "bm25" ranks by BM25F only (no re-ranker), "nodup" keeps duplicate
	// claims apart, "noclean" ignores Clean.
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
	// Disagreements lists the kinds of figure, date or person both texts
	// name with no value in common, in text.MentionKinds order.
	Disagreements []Disagreement
}

// defaultModel is parsed on first use, so that `vigie train matcher` still
// runs when the committed file no longer fits FeatureNames.
var defaultModel = sync.OnceValue(DefaultModel)

// minRelScore is the BM25F score, relative to the best candidate's, below
// which a candidate is not re-ranked (measured on dev: no change in MAP@5,
// see docs/quality.md).
const minRelScore = 0.5

// Search returns the best documents for q, best first (ties by id).
func (x *Index) Search(q string, opt Options) []Result {
	r, _ := x.SearchContext(context.Background(), q, opt)
	return r
}

// SearchContext is Search with a context for the Embedder; the error is the
// Embedder's (the lexical results are still returned).
func (x *Index) SearchContext(ctx context.Context, q string, opt Options) ([]Result, error) {
	return x.search(ctx, q, opt, true)
}

// search is SearchContext; with impute false, absent features stay NaN (for
// Train, which imputes its own means).
func (x *Index) search(ctx context.Context, q string, opt Options, impute bool) ([]Result, error) {
	var authors []string // of embedded tweets: no person the claim names
	if opt.Clean && !stage(opt.Stages, "noclean") {
		if opt.Year == 0 {
			opt.Year = SignatureYear(q)
		}
		q, authors = cleanSigned(q)
	}
	lang := opt.Lang
	if lang == "" {
		lang = detectLang(q)
	}
	m := opt.Model
	if m == nil {
		dm := defaultModel()
		m = &dm
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = 5
	}
	sem := m.Weights[featWVCos] != 0 || !impute // training sees every feature
	if sem {
		x.enableSemantic()
	}
	qp := prepareQuery(q, lang, sem)
	if len(authors) > 0 {
		qp.mentions = withoutAuthors(qp.mentions, authors, lang)
	}
	x.mu.RLock()
	if m.SplitCompounds {
		x.splitCompoundsLocked(qp, lang)
	}
	qt := x.queryTermsLocked(qp.stems)
	hits := x.bm25Locked(qt, max(m.Candidates, limit))
	// candidates far below the best cannot win: drop them before the costly
	// features (keeping at least limit)
	for len(hits) > limit && hits[len(hits)-1].score < minRelScore*hits[0].score {
		hits = hits[:len(hits)-1]
	}
	if len(opt.include) > 0 {
		hits = x.includeLocked(hits, qt, opt.include)
		limit = max(limit, len(hits))
		if len(hits) == 0 {
			x.mu.RUnlock()
			return nil, nil
		}
	}
	res := make([]Result, len(hits))
	docs := make([]*docInfo, len(hits))
	qc := x.queryContextLocked(qp, qt)
	qc.year = opt.Year
	for i, h := range hits {
		d := &x.docs[h.doc]
		docs[i] = d
		res[i] = x.featuresLocked(qc, d, h, hits[0].score, i)
	}
	x.relativeFeaturesLocked(res, docs)
	x.mu.RUnlock()
	var err error
	if opt.Embedder != nil && len(res) > 0 {
		err = embedFeature(ctx, opt.Embedder, q, docs, res)
	}
	for i := range res {
		for j, v := range res[i].Features {
			if impute && math.IsNaN(v) {
				res[i].Features[j] = m.Mean[j]
			}
		}
		if stage(opt.Stages, "bm25") {
			res[i].Score = res[i].BM25 / (res[i].BM25 + 10)
			continue
		}
		res[i].Score = math.Max(m.Prob(res[i].Features), nearDuplicate(res[i].Features))
		if opt.CapDecisive > 0 && res[i].Score > opt.CapDecisive && decisive(res[i].Disagreements) {
			res[i].Score = opt.CapDecisive
		}
	}
	sort.SliceStable(res, func(i, j int) bool {
		if res[i].Score != res[j].Score {
			return res[i].Score > res[j].Score
		}
		return lessID(res[i].ID, res[j].ID)
	})
	if !stage(opt.Stages, "nodup") {
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

// queryCtx is what featuresLocked needs of the query, computed once.
type queryCtx struct {
	q        *query
	year     int
	terms    []uint32  // query term ids in order (unknownTerm when absent)
	set      []uint32  // sorted unique known term ids
	idf      []float64 // idf of set
	idfSum   float64   // over all distinct query stems, unknown ones included
	stemOf   []string  // stem of set[i]
	counts   []float64 // query term frequency of set[i]
	bigrams  []uint64
	vecNorm2 float64 // squared norm of the query tf-idf vector (all stems)
}

func (x *Index) queryContextLocked(q *query, terms []uint32) *queryCtx {
	c := &queryCtx{q: q, terms: terms}
	seenUnknown := map[string]bool{}
	tf := map[uint32]float64{}
	for i, t := range terms {
		if t == unknownTerm {
			if !seenUnknown[q.stems[i]] {
				seenUnknown[q.stems[i]] = true
				idf := x.idfLocked(unknownTerm)
				c.idfSum += idf
				c.vecNorm2 += idf * idf // log1p(1)*idf squared, see tfidf below
			}
			continue
		}
		if tf[t] == 0 {
			c.set = append(c.set, t)
		}
		tf[t]++
	}
	// unknown terms' vector weight: log1p(count)*idf; approximated with count 1
	c.vecNorm2 *= math.Ln2 * math.Ln2
	slices.Sort(c.set)
	c.idf = make([]float64, len(c.set))
	c.stemOf = make([]string, len(c.set))
	c.counts = make([]float64, len(c.set))
	for i, t := range c.set {
		c.idf[i] = x.idfLocked(t)
		c.idfSum += c.idf[i]
		c.stemOf[i] = x.terms[t]
		c.counts[i] = tf[t]
		w := math.Log1p(tf[t]) * c.idf[i]
		c.vecNorm2 += w * w
	}
	for i := 1; i < len(terms); i++ {
		if terms[i-1] != unknownTerm && terms[i] != unknownTerm {
			c.bigrams = append(c.bigrams, uint64(terms[i-1])<<32|uint64(terms[i]))
		}
	}
	return c
}

func (x *Index) featuresLocked(qc *queryCtx, d *docInfo, h hit, top float64, rank int) Result {
	dp := d.prep
	qp := qc.q
	var sharedQ, sharedT, sharedTi float64
	type st struct {
		s   string
		idf float64
	}
	var shared []st
	for i, t := range qc.set {
		inT := containsID(dp.textSet, t)
		inTi := containsID(dp.titleSet, t)
		if inT || inTi {
			sharedQ += qc.idf[i]
			shared = append(shared, st{qc.stemOf[i], qc.idf[i]})
		}
		if inT {
			sharedT += qc.idf[i]
		}
		if inTi {
			sharedTi += qc.idf[i]
		}
	}
	var tIdf, tiIdf float64
	for _, t := range dp.textSet {
		tIdf += x.idfLocked(t)
	}
	for _, t := range dp.titleSet {
		tiIdf += x.idfLocked(t)
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
	bigram := 0.0
	if len(qc.terms) > 1 {
		n := 0
		for _, b := range qc.bigrams {
			if _, ok := slices.BinarySearch(dp.bigrams, b); ok {
				n++
			}
		}
		bigram = float64(n) / float64(len(qc.terms)-1)
	}
	f := []float64{
		h.score / top,
		ratio(sharedQ, qc.idfSum),
		ratio(sharedT, tIdf),
		ratio(sharedTi, tiIdf),
		cosineSets(qp.grams, dp.gramsText),
		cosineSets(qp.grams, dp.gramsTitle),
		math.Min(float64(len(nums)), 3) / 3,
		conflict,
		entJ,
		1 / float64(1+rank),
		0,
		x.fieldBM25Locked(qc, dp.text, x.sumText),
		x.fieldBM25Locked(qc, dp.title, x.sumTitle),
		x.tfidfCosLocked(qc, dp),
		bigram,
		0,
		0,
		0,
		semFeature(qp.mean, dp.sem),
		0,
		0,
	}
	ds := disagreements(qp.text, qp.mentions, qp.entities, d.doc, dp.mentions, dp.entities)
	f[featFigure], f[featPerson] = disagreementFeatures(ds)
	if qc.year > 0 && len(dp.years) > 0 {
		if _, ok := slices.BinarySearch(dp.years, qc.year); ok {
			f[featYearAgree] = 1
		} else {
			f[featYearOther] = 1
		}
	}
	return Result{ID: d.id, BM25: h.score, Features: f, SharedTerms: terms, SharedNumbers: nums, Disagreements: ds}
}

// fieldBM25Locked scores one field (term ids in order) for the query.
func (x *Index) fieldBM25Locked(qc *queryCtx, field []uint32, sumLen float64) float64 {
	if len(field) == 0 || x.live == 0 {
		return 0
	}
	avg := max(sumLen/float64(x.live), 1)
	norm := 1 - bText + bText*float64(len(field))/avg
	score := 0.0
	for i, t := range qc.set {
		f := float64(count(field, t))
		if f == 0 {
			continue
		}
		f /= norm
		score += qc.idf[i] * f * (k1 + 1) / (f + k1)
	}
	return score
}

// tfidfCosLocked is the cosine of the log-tf·idf vectors of the query and
// the document (text and title together).
func (x *Index) tfidfCosLocked(qc *queryCtx, dp *prepared) float64 {
	var dot, nd float64
	for _, t := range dp.allSet {
		c := float64(count(dp.text, t) + count(dp.title, t))
		idf := x.idfLocked(t)
		wd := math.Log1p(c) * idf
		nd += wd * wd
		if i, ok := slices.BinarySearch(qc.set, t); ok {
			dot += math.Log1p(qc.counts[i]) * qc.idf[i] * wd
		}
	}
	if nd == 0 || qc.vecNorm2 == 0 {
		return 0
	}
	return dot / math.Sqrt(nd*qc.vecNorm2)
}

func containsID(sorted []uint32, t uint32) bool {
	_, ok := slices.BinarySearch(sorted, t)
	return ok
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
		res[i].Features[featEmbedding] = cosine32(vs[0], vs[i+1])
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

// relativeFeaturesLocked turns field BM25 scores into ratios over the best
// candidate's and counts duplicate claim texts among the candidates.
func (x *Index) relativeFeaturesLocked(res []Result, docs []*docInfo) {
	iText, iTitle, iDup := featureIndex("bm25_text"), featureIndex("bm25_title"), featureIndex("dup_count")
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
	qc, cc, c4 := featQueryCover, featClaimCover, featChar4Text
	if f[qc] >= 0.9 && f[cc] >= 0.9 && f[c4] >= 0.8 {
		return f[c4]
	}
	return 0
}

// decisive reports whether any disagreement is decisive.
func decisive(ds []Disagreement) bool {
	for _, d := range ds {
		if d.Decisive() {
			return true
		}
	}
	return false
}

func stage(stages, name string) bool {
	for _, s := range strings.Split(stages, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}
