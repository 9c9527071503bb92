package match

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"vigie/claims/text"
)

// Doc is one document of the index: a fact-checked claim.
type Doc struct {
	ID, Text, Title, Language string
}

// BM25F parameters of the index (variables only so that experiments can
// vary them; they are not configuration).
var (
	k1          = 0.9
	bText       = 0.5
	bTitle      = 0.5
	weightText  = 1.0
	weightTitle = 1.0
)

// SetBM25 sets the BM25F parameters (k1, b of text, b of title, title
// weight relative to text) for experiments; not safe during searches.
func SetBM25(k, bt, bti, wti float64) { k1, bText, bTitle, weightTitle = k, bt, bti, wti }

type posting struct {
	doc     uint32
	tfText  uint16
	tfTitle uint16
}

type docInfo struct {
	id       string
	doc      Doc
	lenText  uint16
	lenTitle uint16
	deleted  bool
	prep     *prepared // re-ranking data, computed once
}

// Index is an in-memory BM25F index of Docs, safe for concurrent use. Adding a
// document with an existing ID replaces it; replaced and removed documents are
// compacted away when they outnumber the live ones.
type Index struct {
	mu       sync.RWMutex
	vocab    map[string]uint32
	postings [][]posting
	docs     []docInfo
	byID     map[string]uint32
	live     int
	sumText  float64
	sumTitle float64
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
	preps := make([]*prepared, len(docs))
	for i, d := range docs {
		preps[i] = prepareDoc(d)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, d := range docs {
		x.removeLocked(d.ID)
		x.addLocked(d, preps[i])
	}
}

// Remove deletes the document with this id, if present.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(id)
	if len(x.docs) > 1024 && x.live < len(x.docs)/2 {
		x.compactLocked()
	}
}

func (x *Index) removeLocked(id string) {
	n, ok := x.byID[id]
	if !ok {
		return
	}
	d := &x.docs[n]
	d.deleted = true
	x.sumText -= float64(d.lenText)
	x.sumTitle -= float64(d.lenTitle)
	x.live--
	delete(x.byID, id)
}

func (x *Index) addLocked(d Doc, p *prepared) {
	n := uint32(len(x.docs))
	tf := map[string][2]uint16{}
	for _, s := range p.textStems {
		c := tf[s]
		c[0]++
		tf[s] = c
	}
	for _, s := range p.titleStems {
		c := tf[s]
		c[1]++
		tf[s] = c
	}
	keys := make([]string, 0, len(tf))
	for k := range tf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t, ok := x.vocab[k]
		if !ok {
			t = uint32(len(x.postings))
			x.vocab[k] = t
			x.postings = append(x.postings, nil)
		}
		c := tf[k]
		x.postings[t] = append(x.postings[t], posting{doc: n, tfText: c[0], tfTitle: c[1]})
	}
	lt, lti := clamp16(len(p.textStems)), clamp16(len(p.titleStems))
	x.docs = append(x.docs, docInfo{id: d.ID, doc: d, lenText: lt, lenTitle: lti, prep: p})
	x.byID[d.ID] = n
	x.live++
	x.sumText += float64(lt)
	x.sumTitle += float64(lti)
}

func (x *Index) compactLocked() {
	old := x.docs
	x.vocab = map[string]uint32{}
	x.postings = nil
	x.docs = nil
	x.byID = map[string]uint32{}
	x.live, x.sumText, x.sumTitle = 0, 0, 0
	for _, d := range old {
		if !d.deleted {
			x.addLocked(d.doc, d.prep)
		}
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
	scores  []float64
	touched []uint32
}

// bm25 returns the top k documents for the query stems (deduplicated with
// counts), under the read lock held by the caller.
func (x *Index) bm25Locked(qstems []string, k int) []hit {
	if x.live == 0 || len(qstems) == 0 {
		return nil
	}
	acc := accPool.Get().(*accumulator)
	defer accPool.Put(acc)
	if cap(acc.scores) < len(x.docs) {
		acc.scores = make([]float64, len(x.docs))
	}
	acc.scores = acc.scores[:len(x.docs)]
	acc.touched = acc.touched[:0]
	N := float64(x.live)
	avgT := x.sumText / N
	avgTi := x.sumTitle / N
	if avgT <= 0 {
		avgT = 1
	}
	if avgTi <= 0 {
		avgTi = 1
	}
	qtf := map[string]int{}
	order := make([]string, 0, len(qstems))
	for _, s := range qstems {
		if qtf[s] == 0 {
			order = append(order, s)
		}
		qtf[s]++
	}
	for _, s := range order {
		t, ok := x.vocab[s]
		if !ok {
			continue
		}
		ps := x.postings[t]
		df := float64(len(ps))
		idf := math.Log(1 + (N-df+0.5)/(df+0.5))
		if idf <= 0 {
			continue
		}
		qw := idf * (1 + 0.2*float64(qtf[s]-1))
		for _, p := range ps {
			d := &x.docs[p.doc]
			if d.deleted {
				continue
			}
			tf := weightText*float64(p.tfText)/(1-bText+bText*float64(d.lenText)/avgT) +
				weightTitle*float64(p.tfTitle)/(1-bTitle+bTitle*float64(d.lenTitle)/avgTi)
			if acc.scores[p.doc] == 0 {
				acc.touched = append(acc.touched, p.doc)
			}
			acc.scores[p.doc] += qw * tf * (k1 + 1) / (tf + k1)
		}
	}
	hits := make([]hit, 0, min(k, len(acc.touched)))
	for _, d := range acc.touched {
		h := hit{doc: d, score: acc.scores[d]}
		acc.scores[d] = 0
		if len(hits) < k {
			hits = append(hits, h)
			if len(hits) == k {
				sortHits(hits, x)
			}
			continue
		}
		if better(h, hits[k-1], x) {
			hits[k-1] = h
			// insertion into sorted position
			for i := k - 1; i > 0 && better(hits[i], hits[i-1], x); i-- {
				hits[i], hits[i-1] = hits[i-1], hits[i]
			}
		}
	}
	if len(hits) < k {
		sortHits(hits, x)
	}
	return hits
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

// idfLocked returns the idf of a stem in the index.
func (x *Index) idfLocked(s string) float64 {
	N := float64(x.live)
	df := 0.0
	if t, ok := x.vocab[s]; ok {
		df = float64(len(x.postings[t]))
	}
	return math.Log(1 + (N-df+0.5)/(df+0.5))
}

var _ = strings.TrimSpace
var _ = text.Fold
