package locality

import (
	"slices"
	"strings"
	"unicode/utf8"
)

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

// Source is what is known of where a text comes from.
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
}

// NewMatcher indexes every name and alias of g.
func NewMatcher(g *Gazetteer, opts Options) *Matcher {
	m := &Matcher{g: g, opts: opts, vocab: map[string]uint32{}, edges: map[trieKey]uint32{},
		ends: map[uint32][]int32{}, short: map[uint32]bool{}, nodes: 1, regions: make([]string, len(g.locs))}
	var buf []byte
	for i, l := range g.locs {
		m.regions[i] = Fold(l.Region)
		for _, name := range append([]string{l.Name}, l.Aliases...) {
			node, words, runes := uint32(0), 0, 0
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
		out = append(out, m.resolve(text[start:end], start, end, m.ends[bestNode], src))
		i = bestEnd + 1
	}
	return out
}

// resolve chooses among the localities sharing a name.
func (m *Matcher) resolve(text string, start, end int, cands []int32, src Source) Match {
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
	region := Fold(src.Region)
	country := strings.ToUpper(src.Country)
	steps := []struct {
		res  Resolution
		keep func(int32) bool
	}{
		{BySource, func(c int32) bool { return slices.Contains(src.Localities, m.g.locs[c].Code) }},
		{ByRegion, func(c int32) bool {
			return region != "" && m.regions[c] == region && (country == "" || m.g.locs[c].Country() == country)
		}},
		{ByCountry, func(c int32) bool { return country != "" && m.g.locs[c].Country() == country }},
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
