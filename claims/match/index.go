package match

import (
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// Doc is one document of the index: a fact-checked claim.
type Doc struct {
	ID, Text, Title, Language string
}

// BM25F parameters of the index, chosen on the CheckThat! 2020 train and
// dev splits (docs/quality.md).
const (
	k1          = 0.9
	bText       = 0.5
	bTitle      = 0.5
	weightText  = 1.0
	weightTitle = 1.0
)

type posting struct {
	doc     uint32
	tfText  uint16
	tfTitle uint16
}

type docInfo struct {
	id   string
	doc  Doc
	prep *prepared // re-ranking data, computed once
}

// Index is an in-memory BM25F index of Docs, safe for concurrent use. Adding a
// document with an existing ID replaces it; replaced and removed documents are
// compacted away when they outnumber the live ones.
type Index struct {
	mu       sync.RWMutex
	vocab    map[string]uint32 // stem → term id
	terms    []string          // term id → stem
	postings [][]posting       // by term id
	docs     []docInfo
	lenText  []uint16 // by doc number, parallel to docs (cache-friendly scoring)
	lenTitle []uint16
	deleted  []bool
	// BM25F length norms weight/(1-b+b·len/avg) by doc number, computed
	// for the averages normAvgText/normAvgTitle and refreshed when the
	// averages drift by more than normDrift.
	normText, normTitle       []float32
	normAvgText, normAvgTitle float64
	byID                      map[string]uint32
	live                      int
	sumText                   float64
	sumTitle                  float64
	// semOn is set once a search used a model that weighs wv_cos: from then
	// on every claim carries its mean word vector (semantic.go). Until then
	// no claim pays for it.
	semOn atomic.Bool
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{vocab: map[string]uint32{}, byID: map[string]uint32{}}
}

// Len returns the number of live documents.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Add inserts or replaces documents.
func (x *Index) Add(docs ...Doc) {
	sem := x.semOn.Load()
	preps := make([]*prepared, len(docs))
	for i, d := range docs {
		preps[i] = prepareDoc(d, sem)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, d := range docs {
		if !sem && x.semOn.Load() { // enabled meanwhile
			preps[i].sem = semanticOfDoc(d, preps[i].lang)
		}
		x.removeLocked(d.ID)
		x.addLocked(d, preps[i])
	}
}

// enableSemantic computes the mean word vectors of every claim, once: the
// first search with a model that weighs wv_cos pays for it.
func (x *Index) enableSemantic() {
	if x.semOn.Load() {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.semOn.Load() {
		return
	}
	for i := range x.docs {
		if d := &x.docs[i]; !x.deleted[i] && d.prep.sem == nil {
			d.prep.sem = semanticOfDoc(d.doc, d.prep.lang)
		}
	}
	x.semOn.Store(true)
}

// Remove deletes the document with this id, if present.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(id)
	if len(x.docs) > 1024 && x.live < len(x.docs)/2 {
		x.compactLocked()
	}
	x.refreshNormsLocked(math.MaxUint32) // only if the averages drifted
}

func (x *Index) removeLocked(id string) {
	n, ok := x.byID[id]
	if !ok {
		return
	}
	x.deleted[n] = true
	x.sumText -= float64(x.lenText[n])
	x.sumTitle -= float64(x.lenTitle[n])
	x.live--
	delete(x.byID, id)
}

func (x *Index) termID(s string) uint32 {
	t, ok := x.vocab[s]
	if !ok {
		t = uint32(len(x.terms))
		x.vocab[s] = t
		x.terms = append(x.terms, s)
		x.postings = append(x.postings, nil)
	}
	return t
}

// addLocked indexes d; p carries stems (prepareDoc) that are turned into
// term ids here, under the write lock.
func (x *Index) addLocked(d Doc, p *prepared) {
	n := uint32(len(x.docs))
	p.text = make([]uint32, len(p.textStems))
	for i, s := range p.textStems {
		p.text[i] = x.termID(s)
	}
	p.title = make([]uint32, len(p.titleStems))
	for i, s := range p.titleStems {
		p.title[i] = x.termID(s)
	}
	p.textStems, p.titleStems = nil, nil
	p.finish()
	// postings: one per distinct term, in term-id order
	all := make([]uint32, 0, len(p.text)+len(p.title))
	all = append(append(all, p.text...), p.title...)
	slices.Sort(all)
	all = slices.Compact(all)
	for _, t := range all {
		x.postings[t] = append(x.postings[t], posting{doc: n, tfText: clamp16(count(p.text, t)), tfTitle: clamp16(count(p.title, t))})
	}
	lt, lti := clamp16(len(p.text)), clamp16(len(p.title))
	x.docs = append(x.docs, docInfo{id: d.ID, doc: d, prep: p})
	x.lenText = append(x.lenText, lt)
	x.lenTitle = append(x.lenTitle, lti)
	x.normText = append(x.normText, 0)
	x.normTitle = append(x.normTitle, 0)
	x.deleted = append(x.deleted, false)
	x.byID[d.ID] = n
	x.live++
	x.sumText += float64(lt)
	x.sumTitle += float64(lti)
	x.refreshNormsLocked(n)
}

// normDrift is the relative change of an average field length that makes
// refreshNormsLocked recompute every norm (amortised O(1) per added doc).
const normDrift = 0.01

// refreshNormsLocked sets the norms of doc n, or of every doc when the
// average lengths have drifted.
func (x *Index) refreshNormsLocked(n uint32) {
	if x.live == 0 {
		return
	}
	avgT := max(x.sumText/float64(x.live), 1)
	avgTi := max(x.sumTitle/float64(x.live), 1)
	drift := func(a, b float64) bool { return b == 0 || math.Abs(a-b) > normDrift*b }
	if drift(avgT, x.normAvgText) || drift(avgTi, x.normAvgTitle) {
		x.normAvgText, x.normAvgTitle = avgT, avgTi
		for i := range x.docs {
			x.setNorm(uint32(i))
		}
		return
	}
	if int(n) < len(x.docs) {
		x.setNorm(n)
	}
}

func (x *Index) setNorm(i uint32) {
	x.normText[i] = float32(weightText / (1 - bText + bText*float64(x.lenText[i])/x.normAvgText))
	x.normTitle[i] = float32(weightTitle / (1 - bTitle + bTitle*float64(x.lenTitle[i])/x.normAvgTitle))
}

func count(s []uint32, t uint32) int {
	n := 0
	for _, v := range s {
		if v == t {
			n++
		}
	}
	return n
}

func (x *Index) compactLocked() {
	oldDocs, oldDeleted, oldTerms := x.docs, x.deleted, x.terms
	x.vocab = map[string]uint32{}
	x.terms, x.postings, x.docs = nil, nil, nil
	x.lenText, x.lenTitle, x.deleted = nil, nil, nil
	x.normText, x.normTitle = nil, nil
	x.normAvgText, x.normAvgTitle = 0, 0
	x.byID = map[string]uint32{}
	x.live, x.sumText, x.sumTitle = 0, 0, 0
	for i, d := range oldDocs {
		if oldDeleted[i] {
			continue
		}
		p := *d.prep
		p.textStems = make([]string, len(p.text))
		for j, t := range p.text {
			p.textStems[j] = oldTerms[t]
		}
		p.titleStems = make([]string, len(p.title))
		for j, t := range p.title {
			p.titleStems[j] = oldTerms[t]
		}
		x.addLocked(d.doc, &p)
	}
}

func clamp16(n int) uint16 {
	if n > math.MaxUint16 {
		return math.MaxUint16
	}
	return uint16(n)
}

// Get returns the document with this id.
func (x *Index) Get(id string) (Doc, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n, ok := x.byID[id]
	if !ok {
		return Doc{}, false
	}
	return x.docs[n].doc, true
}

// IDs returns the ids of live documents, sorted.
func (x *Index) IDs() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	ids := make([]string, 0, x.live)
	for id := range x.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// hit is a BM25 candidate.
type hit struct {
	doc   uint32
	score float64
}

var accPool = sync.Pool{New: func() any { return &accumulator{} }}

type accumulator struct {
	scores  []float32
	touched []uint32
}

// maxDFShare: query terms found in more than this share of the documents
// (in an index of over 1000) are not used for candidate retrieval; they still
// count in re-ranking. 0.1 left the train and dev MAP@5 unchanged (see
// docs/quality.md) and skips the longest posting lists.
const maxDFShare = 0.1

// unknownTerm marks a query term absent from the index.
const unknownTerm = math.MaxUint32

// bm25Locked returns the top k documents for the query term ids (unknown
// terms are skipped), under the read lock held by the caller.
func (x *Index) bm25Locked(q []uint32, k int) []hit {
	if x.live == 0 || len(q) == 0 {
		return nil
	}
	acc := accPool.Get().(*accumulator)
	defer accPool.Put(acc)
	if cap(acc.scores) < len(x.docs) {
		acc.scores = make([]float32, len(x.docs))
	}
	acc.scores = acc.scores[:len(x.docs)]
	acc.touched = acc.touched[:0]
	N := float64(x.live)
	normT, normTi, deleted, scores := x.normText, x.normTitle, x.deleted, acc.scores
	sorted := slices.Clone(q)
	slices.Sort(sorted)
	for i := 0; i < len(sorted); {
		t := sorted[i]
		j := i
		for j < len(sorted) && sorted[j] == t {
			j++
		}
		qtf := j - i
		i = j
		if t == unknownTerm {
			continue
		}
		ps := x.postings[t]
		df := float64(len(ps))
		idf := math.Log(1 + (N-df+0.5)/(df+0.5))
		if idf <= 0 || (df > maxDFShare*N && N > 1000) {
			continue
		}
		qw := float32(idf * (1 + 0.2*float64(qtf-1)) * (k1 + 1))
		k := float32(k1)
		for _, p := range ps {
			if deleted[p.doc] {
				continue
			}
			tf := float32(p.tfText)*normT[p.doc] + float32(p.tfTitle)*normTi[p.doc]
			if scores[p.doc] == 0 {
				acc.touched = append(acc.touched, p.doc)
			}
			scores[p.doc] += qw * tf / (tf + k)
		}
	}
	// keep the k best in a min-heap ordered worst first (O(n log k))
	h := make([]hit, 0, min(k, len(acc.touched)))
	worse := func(i, j int) bool { return better(h[j], h[i], x) }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && worse(r, l) {
				m = r
			}
			if !worse(m, i) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for _, d := range acc.touched {
		c := hit{doc: d, score: float64(scores[d])}
		scores[d] = 0
		if len(h) < k {
			h = append(h, c)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(i, p) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if c.score < h[0].score || (c.score == h[0].score && !better(c, h[0], x)) {
			continue
		}
		h[0] = c
		down(0)
	}
	sortHits(h, x)
	return h
}

func better(a, b hit, x *Index) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return lessID(x.docs[a.doc].id, x.docs[b.doc].id)
}

func sortHits(hs []hit, x *Index) {
	sort.Slice(hs, func(i, j int) bool { return better(hs[i], hs[j], x) })
}

// idfLocked returns the idf of a term id (unknown terms have df 0).
func (x *Index) idfLocked(t uint32) float64 {
	N := float64(x.live)
	df := 0.0
	if t != unknownTerm && int(t) < len(x.postings) {
		df = float64(len(x.postings[t]))
	}
	return math.Log(1 + (N-df+0.5)/(df+0.5))
}

// queryTermsLocked maps query stems to term ids (unknownTerm when absent).
func (x *Index) queryTermsLocked(stems []string) []uint32 {
	out := make([]uint32, len(stems))
	for i, s := range stems {
		if t, ok := x.vocab[s]; ok {
			out[i] = t
		} else {
			out[i] = unknownTerm
		}
	}
	return out
}

// IDFs returns the BM25 inverse document frequency of each stem over the
// live documents, under one read lock; a stem the index does not know gets
// the highest (an empty index weighs every stem alike).
func (x *Index) IDFs(stems []string) []float64 {
	out := make([]float64, len(stems))
	x.mu.RLock()
	defer x.mu.RUnlock()
	for i, s := range stems {
		t, ok := x.vocab[s]
		if !ok {
			t = unknownTerm
		}
		out[i] = x.idfLocked(t)
	}
	return out
}

// includeLocked appends to hits the documents of ids it lacks, with their
// BM25F scores, in ids order.
func (x *Index) includeLocked(hits []hit, q []uint32, ids []string) []hit {
	for _, id := range ids {
		n, ok := x.byID[id]
		if !ok || x.deleted[n] || slices.ContainsFunc(hits, func(h hit) bool { return h.doc == n }) {
			continue
		}
		hits = append(hits, hit{doc: n, score: x.bm25OfLocked(q, n)})
	}
	return hits
}

// bm25OfLocked is the BM25F score bm25Locked gives document n for q.
func (x *Index) bm25OfLocked(q []uint32, n uint32) float64 {
	N := float64(x.live)
	sorted := slices.Clone(q)
	slices.Sort(sorted)
	dp := x.docs[n].prep
	var score float32
	for i := 0; i < len(sorted); {
		t := sorted[i]
		j := i
		for j < len(sorted) && sorted[j] == t {
			j++
		}
		qtf := j - i
		i = j
		if t == unknownTerm {
			continue
		}
		df := float64(len(x.postings[t]))
		idf := math.Log(1 + (N-df+0.5)/(df+0.5))
		if idf <= 0 || (df > maxDFShare*N && N > 1000) {
			continue
		}
		qw := float32(idf * (1 + 0.2*float64(qtf-1)) * (k1 + 1))
		tf := float32(count(dp.text, t))*x.normText[n] + float32(count(dp.title, t))*x.normTitle[n]
		if tf > 0 {
			score += qw * tf / (tf + float32(k1))
		}
	}
	return float64(score)
}
