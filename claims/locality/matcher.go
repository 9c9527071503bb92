package locality

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// RegionWindow is how many words before or after a shared name a region
// name may stand to settle it.
const RegionWindow = 10

// ShortNameRunes is the length (in folded runes) up to which a one-word
// name matches only when written with a capital initial: "Y" and "Eu" are
// French communes, "y" and "eu" are words.
const ShortNameRunes = 2

// Resolution says how a match's locality was chosen.
type Resolution int

// Resolutions, from the most to the least certain.
const (
	// Unique: one locality has this name.
	Unique Resolution = iota + 1
	// ByText: among several, one is in a region the text names near the
	// match, within RegionWindow words ("Valence (Drôme)").
	ByText
	// BySource: among several, one is a locality of the source.
	BySource
	// ByRegion: among several, one is in the source's region and country.
	ByRegion
	// ByCountry: among several, one is in the source's country.
	ByCountry
	// Ambiguous: several localities remain; none was chosen.
	Ambiguous
)

// String returns the resolution's snake_case name.
func (r Resolution) String() string {
	switch r {
	case Unique:
		return "unique"
	case ByText:
		return "by_text"
	case BySource:
		return "by_source"
	case ByRegion:
		return "by_region"
	case ByCountry:
		return "by_country"
	case Ambiguous:
		return "ambiguous"
	}
	return "unknown"
}

// Source is what is known of where a text comes from. The regions and
// countries of its own localities count as its regions and countries too,
// so a newspaper of Romans-sur-Isère (FR-26281, Drôme) that names "Valence"
// means Valence in the Drôme.
type Source struct {
	// Country is the source's ISO 3166-1 alpha-2 code, e.g. "FR".
	Country string
	// Region is the source's region name, compared folded ("Drôme").
	Region string
	// Localities are the source's own locality codes.
	Localities []string
}

// Match is a locality name found in a text.
type Match struct {
	// Start and End are the byte offsets of the name in the text.
	Start, End int
	// Text is the name as written, text[Start:End].
	Text string
	// Code is the chosen locality; empty when Resolution is Ambiguous.
	Code string
	// Resolution says how Code was chosen.
	Resolution Resolution
	// Candidates are every locality with this name, in gazetteer order;
	// more than one when the name is shared.
	Candidates []string
}

// Options tune a Matcher.
//
// By default, names of several words match in any case ("saint-étienne"),
// while one-word names match only when written with a capital initial
// ("Tours", "PARIS", not "tours" or "maire"): many French, Portuguese and
// Spanish communes share their name with a common word. Words of scripts
// without case (Arabic) always count as capitalised.
type Options struct {
	// LowercaseSingleWords lets one-word names match in lower case too,
	// for sources that do not capitalise (at the price of common words).
	// Names of at most ShortNameRunes runes still require a capital.
	LowercaseSingleWords bool
	// RequireCapital makes names of several words require a capital
	// initial as well.
	RequireCapital bool
}

// trieKey is an edge of the token trie: parent node and token id.
type trieKey uint64

func edge(node, tok uint32) trieKey { return trieKey(uint64(node)<<32 | uint64(tok)) }

// Matcher finds the localities of a gazetteer named in texts. Build it
// once with NewMatcher; it is safe for concurrent use.
type Matcher struct {
	g     *Gazetteer
	opts  Options
	vocab map[string]uint32  // folded word → token id (ids start at 1)
	edges map[trieKey]uint32 // (node, token) → child node (root is 0)
	// ends[node] are the localities whose name or alias ends at node.
	ends map[uint32][]int32
	// short[node] marks one-word names of at most ShortNameRunes runes.
	short map[uint32]bool
	nodes uint32
	// regions holds each locality's folded region.
	regions []string
	// regionEnds[node] is the folded region whose name (or one of its
	// '/'-separated forms) ends at node; region names share the trie.
	regionEnds map[uint32]string
}

// NewMatcher indexes every name and alias of g.
func NewMatcher(g *Gazetteer, opts Options) *Matcher {
	m := &Matcher{g: g, opts: opts, vocab: map[string]uint32{}, edges: map[trieKey]uint32{},
		ends: map[uint32][]int32{}, short: map[uint32]bool{}, nodes: 1, regions: make([]string, len(g.locs)),
		regionEnds: map[uint32]string{}}
	var buf []byte
	for i, l := range g.locs {
		m.regions[i] = Fold(l.Region)
		if _, done := m.regionEnds[m.lookup(m.regions[i])]; !done && m.regions[i] != "" {
			for alt := range strings.SplitSeq(l.Region, "/") {
				var node uint32
				node, _, _, buf = m.insert(alt, buf)
				if node != 0 {
					m.regionEnds[node] = m.regions[i]
				}
			}
		}
		for _, name := range append([]string{l.Name}, l.Aliases...) {
			var (
				node         uint32
				words, runes int
			)
			node, words, runes, buf = m.insert(name, buf)
			if words == 0 || slices.Contains(m.ends[node], int32(i)) {
				continue
			}
			m.ends[node] = append(m.ends[node], int32(i))
			if words == 1 && runes <= ShortNameRunes {
				m.short[node] = true
			}
		}
	}
	return m
}

// insert adds the words of name to the trie and returns its last node, its
// number of words and the runes of its last word.
func (m *Matcher) insert(name string, buf []byte) (node uint32, words, runes int, _ []byte) {
	buf = tokenize(name, buf, func(_ token, f []byte) {
		id, ok := m.vocab[string(f)]
		if !ok {
			id = uint32(len(m.vocab) + 1)
			m.vocab[string(f)] = id
		}
		child, ok := m.edges[edge(node, id)]
		if !ok {
			child = m.nodes
			m.nodes++
			m.edges[edge(node, id)] = child
		}
		node = child
		words++
		runes = utf8.RuneCount(f)
	})
	return node, words, runes, buf
}

// lookup returns the trie node of a folded name, 0 when absent.
func (m *Matcher) lookup(folded string) uint32 {
	var node uint32
	for w := range strings.FieldsSeq(folded) {
		child, ok := m.edges[edge(node, m.vocab[w])]
		if !ok {
			return 0
		}
		node = child
	}
	return node
}

// regionMention is a region named in a text, at token positions [from, to].
type regionMention struct {
	from, to int
	region   string
}

// Find returns the locality names in text, left to right, the longest
// name winning where names overlap ("Saint-Jean-de-Luz" over "Saint-Jean").
func (m *Matcher) Find(text string, src Source) []Match {
	type tok struct {
		token
		id uint32
	}
	toks := make([]tok, 0, len(text)/5+1)
	tokenize(text, make([]byte, 0, 64), func(t token, f []byte) {
		toks = append(toks, tok{t, m.vocab[string(f)]}) // id 0: not in any name
	})
	sc := m.context(src)
	// Regions named in the text, to settle shared names near them.
	var mentions []regionMention
	for i := 0; i < len(toks); i++ {
		node := uint32(0)
		for j := i; j < len(toks) && toks[j].id != 0; j++ {
			child, ok := m.edges[edge(node, toks[j].id)]
			if !ok {
				break
			}
			node = child
			region, ok := m.regionEnds[node]
			if ok && (toks[i].capital || j > i && !m.opts.RequireCapital || m.opts.LowercaseSingleWords) {
				mentions = append(mentions, regionMention{i, j, region})
			}
		}
	}
	var out []Match
	for i := 0; i < len(toks); {
		if toks[i].id == 0 {
			i++
			continue
		}
		bestEnd, bestNode := -1, uint32(0)
		node := uint32(0)
		for j := i; j < len(toks) && toks[j].id != 0; j++ {
			child, ok := m.edges[edge(node, toks[j].id)]
			if !ok {
				break
			}
			node = child
			if len(m.ends[node]) > 0 {
				bestEnd, bestNode = j, node
			}
		}
		if bestEnd < 0 || !toks[i].capital && (m.opts.RequireCapital || m.short[bestNode] ||
			bestEnd == i && !m.opts.LowercaseSingleWords) {
			i++
			continue
		}
		start, end := toks[i].start, toks[bestEnd].end
		// near maps each region named within RegionWindow words to its
		// distance in words from the match.
		var near map[string]int
		if len(m.ends[bestNode]) > 1 {
			for _, rm := range mentions {
				dist := -1
				switch {
				case rm.to < i:
					dist = i - rm.to - 1
				case rm.from > bestEnd:
					dist = rm.from - bestEnd - 1
				}
				if dist < 0 || dist >= RegionWindow {
					continue
				}
				if near == nil {
					near = map[string]int{}
				}
				if d, ok := near[rm.region]; !ok || dist < d {
					near[rm.region] = dist
				}
			}
		}
		out = append(out, m.resolve(text[start:end], start, end, m.ends[bestNode], sc, near))
		i = bestEnd + 1
	}
	return out
}

// place is a (country, folded region) pair; an empty country matches any.
type place struct{ country, region string }

// sourceContext is a Source prepared for resolving names.
type sourceContext struct {
	localities []string
	places     []place
	countries  []string
}

// context gathers the source's places and countries, its own localities'
// included.
func (m *Matcher) context(src Source) sourceContext {
	sc := sourceContext{localities: src.Localities}
	country := strings.ToUpper(src.Country)
	if country != "" {
		sc.countries = append(sc.countries, country)
	}
	if r := Fold(src.Region); r != "" {
		if canon, ok := m.regionEnds[m.lookup(r)]; ok {
			r = canon // "València" is the region "Valencia/València"
		}
		sc.places = append(sc.places, place{country, r})
	}
	for _, code := range src.Localities {
		i, ok := m.g.byCode[code]
		if !ok {
			continue
		}
		c := m.g.locs[i].Country()
		if !slices.Contains(sc.countries, c) {
			sc.countries = append(sc.countries, c)
		}
		if r := m.regions[i]; r != "" && !slices.Contains(sc.places, place{c, r}) {
			sc.places = append(sc.places, place{c, r})
		}
	}
	return sc
}

// resolve chooses among the localities sharing a name.
func (m *Matcher) resolve(text string, start, end int, cands []int32, sc sourceContext, near map[string]int) Match {
	mt := Match{Start: start, End: end, Text: text}
	for _, c := range cands {
		mt.Candidates = append(mt.Candidates, m.g.locs[c].Code)
	}
	if len(cands) == 1 {
		mt.Code, mt.Resolution = mt.Candidates[0], Unique
		return mt
	}
	pick := func(keep func(int32) bool) (string, bool) {
		found := ""
		for _, c := range cands {
			if keep(c) {
				if found != "" {
					return "", false
				}
				found = m.g.locs[c].Code
			}
		}
		return found, found != ""
	}
	steps := []struct {
		res  Resolution
		keep func(int32) bool
	}{
		{ByText, func(c int32) bool {
			// The candidate whose region is named nearest wins.
			d, ok := near[m.regions[c]]
			if !ok {
				return false
			}
			for _, o := range cands {
				if od, ok := near[m.regions[o]]; ok && o != c && od <= d {
					return false
				}
			}
			return true
		}},
		{BySource, func(c int32) bool { return slices.Contains(sc.localities, m.g.locs[c].Code) }},
		{ByRegion, func(c int32) bool {
			return slices.ContainsFunc(sc.places, func(p place) bool {
				return p.region == m.regions[c] && (p.country == "" || p.country == m.g.locs[c].Country())
			})
		}},
		{ByCountry, func(c int32) bool { return slices.Contains(sc.countries, m.g.locs[c].Country()) }},
	}
	for _, s := range steps {
		if code, ok := pick(s.keep); ok {
			mt.Code, mt.Resolution = code, s.res
			return mt
		}
	}
	mt.Resolution = Ambiguous
	return mt
}

// Localities returns the codes an item gets: its source's localities plus
// those resolved from names in text, sorted and without duplicates; the
// ambiguous matches are returned apart for a person to settle.
func (m *Matcher) Localities(text string, src Source) (codes []string, ambiguous []Match) {
	codes = slices.Clone(src.Localities)
	for _, mt := range m.Find(text, src) {
		if mt.Resolution == Ambiguous {
			ambiguous = append(ambiguous, mt)
			continue
		}
		codes = append(codes, mt.Code)
	}
	slices.Sort(codes)
	return slices.Compact(codes), ambiguous
}
