package claims

import (
	"slices"
	"sync"

	"vigie/claims/match"
	"vigie/claims/text"
)

// SameClaimThreshold is the similarity (see Clusterer.Similarity) from which
// two claims are the same claim, chosen on the CheckThat! train splits
// (docs/quality.md, "Clustering").
const SameClaimThreshold = 0.30

// Sketch is what the same-claim decision reads of one claim, computed once
// by Clusterer.Sketch.
type Sketch struct {
	text     string    // cleaned
	stems    []string  // sorted unique stems
	weights  []float64 // the stems' rarity (idf)
	total    float64   // sum of weights
	mentions []text.Mention
}

// Clusterer decides whether two claims state the same claim, reworded or not,
// and groups claims into clusters. Words weigh by their rarity among the
// fact-checks of a Store (a word every fact-check uses says little), so that
// "the same hoax in two outlets with different wording" shares its rare
// words. A Clusterer is safe for concurrent use.
type Clusterer struct {
	index     *match.Index
	threshold float64
	max       int

	mu       sync.Mutex
	seq      int            // claims assigned so far
	base     int            // seq of entries[0]
	entries  []clusterEntry // the last max claims assigned, oldest first
	byStem   map[string][]int
	evicted  int // entries dropped since the last compaction of byStem
	clusters int
	// exact maps the cleaned text of each remembered claim to its cluster:
	// a copy joins its original's cluster at once and is not remembered
	// again (a viral text repeated a thousand times would otherwise be
	// compared a thousand times).
	exact map[string]string
}

type clusterEntry struct {
	sketch  Sketch
	cluster string
}

// DefaultClusterWindow is how many recent claims a Clusterer remembers.
const DefaultClusterWindow = 100_000

// NewClusterer returns a clusterer weighing words by their rarity among the
// fact-checks of store (nil: every word weighs alike), deciding "same claim"
// from threshold (0: SameClaimThreshold), remembering the last window
// claims for Assign (0: DefaultClusterWindow).
func NewClusterer(store *Store, threshold float64, window int) *Clusterer {
	if threshold <= 0 {
		threshold = SameClaimThreshold
	}
	if window <= 0 {
		window = DefaultClusterWindow
	}
	idx := match.NewIndex()
	if store != nil {
		idx = store.Index()
	}
	return &Clusterer{index: idx, threshold: threshold, max: window, byStem: map[string][]int{}, exact: map[string]string{}}
}

// Threshold returns the similarity from which two claims are the same.
func (c *Clusterer) Threshold() float64 { return c.threshold }

// Sketch prepares a claim's sentence for comparison: social noise cleaned,
// stems (stop words removed) with their weights, figures and persons.
func (c *Clusterer) Sketch(sentence, lang string) Sketch {
	if lang == "" {
		lang = text.Detect(sentence)
	}
	cleaned := match.Clean(sentence)
	stems := text.AnalyzerFor(lang).Stems(cleaned)
	slices.Sort(stems)
	stems = slices.Clip(slices.Compact(stems))
	s := Sketch{text: cleaned, stems: stems, weights: c.index.IDFs(stems), mentions: text.Mentions(cleaned, lang)}
	for _, w := range s.weights {
		s.total += w
	}
	return s
}

// Similarity returns how much two claims say the same thing, in [0,1]: the
// rarity-weighted Dice coefficient of their stems (twice the weight of the
// shared stems over the weight of both), or 0 when a figure central to both
// differs ("632 €" and "1 000 €": a reworded claim whose amount differs is
// not the same claim).
func (c *Clusterer) Similarity(a, b Sketch) float64 {
	sim := overlap(a, b)
	if sim == 0 || vetoed(a, b) {
		return 0
	}
	return sim
}

// overlap is the rarity-weighted Dice coefficient of two sketches' stems:
// their Similarity before the figures' veto (never less than it).
func overlap(a, b Sketch) float64 {
	if a.total+b.total == 0 {
		return 0
	}
	var shared float64
	i, j := 0, 0
	for i < len(a.stems) && j < len(b.stems) {
		switch {
		case a.stems[i] < b.stems[j]:
			i++
		case a.stems[i] > b.stems[j]:
			j++
		default:
			shared += a.weights[i] + b.weights[j]
			i++
			j++
		}
	}
	return shared / (a.total + b.total)
}

// vetoed reports whether a figure central to both sketches differs.
func vetoed(a, b Sketch) bool {
	for _, d := range match.Disagreements(a.text, a.mentions, b.text, b.mentions) {
		if d.Decisive() {
			return true
		}
	}
	return false
}

// SameClaim reports whether two claims state the same claim, and their
// Similarity.
func (c *Clusterer) SameClaim(a, b Claim) (bool, float64) {
	s := c.Similarity(c.Sketch(a.Text, a.Language), c.Sketch(b.Text, b.Language))
	return s >= c.threshold, s
}

// candidateStems is how many of a claim's rarest stems (by the
// fact-checks) look up earlier claims in Assign, sharedStems how many of the
// stems it shares with the fewest earlier claims look them up when those
// find none, and maxPerStem how many of the latest claims of each.
const (
	candidateStems = 6
	sharedStems    = 8
	maxPerStem     = 500
)

// Assign puts the claim with this id and sketch into the cluster of the
// most similar claim assigned before it, if any is the same claim (ties: the
// earliest), else into a new cluster named after id; it returns the cluster.
// Earlier claims are found through the claim's rarest stems (by the
// fact-checks), else through the stems it shares with the fewest of them (a
// word no fact-check uses may be the rarest of a rewording and not the one
// it shares), among the last window claims. The outcome depends on the order of the calls.
func (c *Clusterer) Assign(id string, s Sketch) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	cluster, _, ok := c.nearestLocked(s)
	if !ok {
		cluster = id
		c.clusters++
	}
	c.addLocked(s, cluster)
	return cluster
}

// Nearest returns the cluster of the most similar claim assigned or added
// before that is the same claim as s (ties: the earliest), with their
// Similarity; ok is false when there is none. It remembers nothing: Add
// does, so that a caller may decide between the two (a cluster shared by
// processes: look up, create the cluster elsewhere, then Add).
func (c *Clusterer) Nearest(s Sketch) (cluster string, similarity float64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nearestLocked(s)
}

// Add remembers a claim of a known cluster (one assigned by another
// process, or reloaded at a restart) as Assign would have.
func (c *Clusterer) Add(s Sketch, cluster string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(s, cluster)
}

func (c *Clusterer) nearestLocked(s Sketch) (string, float64, bool) {
	if cluster, ok := c.exact[s.text]; ok && len(s.stems) > 0 {
		return cluster, 1, true
	}
	best, bestSim := -1, 0.0
	seen := map[int]bool{}
	lookup := func(stems []int) {
		for _, k := range stems {
			ns := c.byStem[s.stems[k]]
			if len(ns) > maxPerStem { // a common word: its latest claims only
				ns = ns[len(ns)-maxPerStem:]
			}
			for _, n := range ns {
				if n < c.base || seen[n] {
					continue
				}
				seen[n] = true
				// The overlap bounds the similarity: the figures are read
				// only for a candidate that could win.
				e := c.entries[n-c.base].sketch
				sim := overlap(s, e)
				if sim < c.threshold || sim < bestSim || sim == bestSim && n > best || vetoed(s, e) {
					continue
				}
				best, bestSim = n, sim
			}
		}
	}
	lookup(rarest(s, candidateStems))
	if best < 0 {
		lookup(c.sharedStemsLocked(s, sharedStems))
	}
	if best < 0 {
		return "", 0, false
	}
	return c.entries[best-c.base].cluster, bestSim, true
}

func (c *Clusterer) addLocked(s Sketch, cluster string) {
	if _, ok := c.exact[s.text]; ok {
		return // a copy: its original stands for it
	}
	c.exact[s.text] = cluster
	c.entries = append(c.entries, clusterEntry{sketch: s, cluster: cluster})
	for _, st := range s.stems {
		c.byStem[st] = append(c.byStem[st], c.seq)
	}
	c.seq++
	if len(c.entries) > c.max {
		delete(c.exact, c.entries[0].sketch.text)
		c.entries[0] = clusterEntry{}
		c.entries = c.entries[1:]
		c.base++
		c.evicted++
		if c.evicted > c.max/2 {
			c.compactLocked()
		}
	}
}

// compactLocked drops evicted claims from the stem lists.
func (c *Clusterer) compactLocked() {
	for st, ns := range c.byStem {
		k := 0
		for k < len(ns) && ns[k] < c.base {
			k++
		}
		if k == len(ns) {
			delete(c.byStem, st)
		} else if k > 0 {
			c.byStem[st] = slices.Clone(ns[k:])
		}
	}
	c.entries = slices.Clone(c.entries)
	c.evicted = 0
}

// sharedStemsLocked returns the indices of the n stems of s that the fewest
// remembered claims have, leaving out those none has (ties: the rarer among
// the fact-checks, then the first in order).
func (c *Clusterer) sharedStemsLocked(s Sketch, n int) []int {
	idx := make([]int, 0, len(s.stems))
	for i, st := range s.stems {
		if len(c.byStem[st]) > 0 {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		na, nb := len(c.byStem[s.stems[a]]), len(c.byStem[s.stems[b]])
		switch {
		case na != nb:
			return na - nb
		case s.weights[a] > s.weights[b]:
			return -1
		case s.weights[a] < s.weights[b]:
			return 1
		}
		return 0
	})
	if len(idx) > n {
		idx = idx[:n]
	}
	return idx
}

// rarest returns the indices of the n highest-weighted stems of s (ties: the
// first stem in order).
func rarest(s Sketch, n int) []int {
	idx := make([]int, len(s.stems))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case s.weights[a] > s.weights[b]:
			return -1
		case s.weights[a] < s.weights[b]:
			return 1
		}
		return 0
	})
	if len(idx) > n {
		idx = idx[:n]
	}
	return idx
}
