package match

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie/claims/text"
)

// prepared holds what re-ranking needs of a text, computed once per document.
type prepared struct {
	lang       string
	textStems  []string // transient: turned into term ids by the index
	titleStems []string
	text       []uint32 // term ids of the text, in order
	title      []uint32
	textSet    []uint32 // sorted unique
	titleSet   []uint32
	allSet     []uint32 // text ∪ title, sorted unique
	bigrams    []uint64 // sorted unique term-id pairs of text and title
	numbers    []string // normalised, sorted, unique
	entities   []string // folded capitalised words, sorted, unique
	gramsText  []uint32 // sorted unique char 4-gram hashes of the text
	gramsTitle []uint32
	key        string       // folded tokens of the claim text: equal for duplicates
	years      []int        // years (1900–2099) named in the text or title, sorted unique
	sem        *semantic    // word vectors of text and title (English only, and only once a model needs them; else nil)
	mentions   []docMention // figures, dates and persons of the text, then the title (disagree.go)
}

// query is a prepared query.
type query struct {
	stems    []string
	words    []string          // folded word of each stem
	surface  map[string]string // stem → first folded surface form
	numbers  []string
	entities []string
	grams    []uint32
	mean     []float32 // mean word vector (semantic.go), nil when absent
	text     string    // the query as searched, for the surfaces of mentions
	mentions []text.Mention
}

func langOf(d Doc) string {
	if d.Language != "" {
		return d.Language
	}
	return detectLang(d.Text + " " + d.Title)
}

// prepareDoc prepares d for the index; sem computes its mean word vector
// (only when a model weighs wv_cos, see Index.enableSemantic).
func prepareDoc(d Doc, sem bool) *prepared {
	lang := langOf(d)
	a := text.AnalyzerFor(lang)
	p := &prepared{lang: lang}
	tt, ti := text.Tokenize(d.Text), text.Tokenize(d.Title)
	textTerms, titleTerms := a.TermsOf(tt), a.TermsOf(ti)
	for _, t := range textTerms {
		p.textStems = append(p.textStems, t.Stem)
	}
	for _, t := range titleTerms {
		p.titleStems = append(p.titleStems, t.Stem)
	}
	if sem {
		p.sem = semanticOf(lang, append(textTerms, titleTerms...))
	}
	p.numbers = numbersOf(append(slices.Clone(tt), ti...))
	p.years = yearsOf(p.numbers)
	p.entities = slices.Clip(append(entitiesOf(d.Text, tt, a), entitiesOf(d.Title, ti, a)...))
	slices.Sort(p.entities)
	p.entities = slices.Compact(p.entities)
	p.gramsText = charGrams(tt, 4)
	p.gramsTitle = charGrams(ti, 4)
	p.mentions = mentionsOfDoc(d, lang, tt, ti)
	var kb strings.Builder
	for _, t := range tt {
		kb.WriteString(t.Text)
		kb.WriteByte(' ')
	}
	p.key = kb.String()
	return p
}

// finish derives the sets from the term ids.
func (p *prepared) finish() {
	p.textSet = sortedSet(p.text)
	p.titleSet = sortedSet(p.title)
	p.allSet = sortedSet(append(slices.Clone(p.text), p.title...))
	var bg []uint64
	for _, f := range [][]uint32{p.text, p.title} {
		for i := 1; i < len(f); i++ {
			bg = append(bg, uint64(f[i-1])<<32|uint64(f[i]))
		}
	}
	slices.Sort(bg)
	p.bigrams = slices.Compact(bg)
}

func sortedSet(s []uint32) []uint32 {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Clip(slices.Compact(c))
}

// prepareQuery prepares q; sem computes its mean word vector (only worth it
// when the model weighs wv_cos).
func prepareQuery(q, lang string, sem bool) *query {
	a := text.AnalyzerFor(lang)
	p := &query{surface: map[string]string{}, text: q}
	toks := text.Tokenize(q)
	terms := a.TermsOf(toks)
	if sem {
		p.mean = meanOf(lang, terms)
	}
	for _, t := range terms {
		p.stems = append(p.stems, t.Stem)
		p.words = append(p.words, t.Text)
		if _, ok := p.surface[t.Stem]; !ok {
			p.surface[t.Stem] = t.Text
		}
	}
	p.numbers = numbersOf(toks)
	p.entities = entitiesOf(q, toks, a)
	p.grams = charGrams(toks, 4)
	p.mentions = text.MentionsOf(q, toks, lang)
	return p
}

// numbersOf returns the normalised numbers of s, sorted and unique. Years and
// other numbers are kept alike; single digits are kept (counts matter).
func numbersOf(toks []text.Token) []string {
	var out []string
	for _, t := range toks {
		if t.Number {
			out = append(out, t.Text)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// yearsOf returns the numbers that read as years, sorted unique.
func yearsOf(numbers []string) []int {
	var out []int
	for _, n := range numbers {
		if len(n) == 4 && (n[:2] == "19" || n[:2] == "20") {
			y := int(n[0]-'0')*1000 + int(n[1]-'0')*100 + int(n[2]-'0')*10 + int(n[3]-'0')
			out = append(out, y)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// entitiesOf returns capitalised words that are not sentence-initial stop
// words, folded, sorted, unique: a cheap stand-in for named entities.
func entitiesOf(s string, toks []text.Token, a *text.Analyzer) []string {
	var out []string
	for _, t := range toks {
		if t.Number || t.End-t.Start < 2 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[t.Start:t.End])
		if !unicode.IsUpper(r) || a.IsStop(t.Text) {
			continue
		}
		out = append(out, t.Text)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// charGrams returns the sorted unique hashes of the character n-grams of the
// folded text, words joined by single spaces and padded.
func charGrams(toks []text.Token, n int) []uint32 {
	if len(toks) == 0 {
		return nil
	}
	size := 2
	for _, t := range toks {
		size += len(t.Text) + 1
	}
	buf := make([]rune, 0, size)
	buf = append(buf, ' ')
	for _, t := range toks {
		for _, r := range t.Text {
			buf = append(buf, r)
		}
		buf = append(buf, ' ')
	}
	if len(buf) < n {
		return nil
	}
	out := make([]uint32, 0, len(buf)-n+1)
	var b [16]byte
	for i := 0; i+n <= len(buf); i++ {
		k := 0
		for _, r := range buf[i : i+n] {
			k += encodeRune(b[k:], r)
		}
		h := uint32(2166136261) // FNV-1a
		for _, c := range b[:k] {
			h ^= uint32(c)
			h *= 16777619
		}
		out = append(out, h)
	}
	slices.Sort(out)
	return slices.Clip(slices.Compact(out))
}

func encodeRune(b []byte, r rune) int {
	switch {
	case r < 0x80:
		b[0] = byte(r)
		return 1
	case r < 0x800:
		b[0] = byte(0xC0 | r>>6)
		b[1] = byte(0x80 | r&0x3F)
		return 2
	case r < 0x10000:
		b[0] = byte(0xE0 | r>>12)
		b[1] = byte(0x80 | (r>>6)&0x3F)
		b[2] = byte(0x80 | r&0x3F)
		return 3
	default:
		b[0] = byte(0xF0 | r>>18)
		b[1] = byte(0x80 | (r>>12)&0x3F)
		b[2] = byte(0x80 | (r>>6)&0x3F)
		b[3] = byte(0x80 | r&0x3F)
		return 4
	}
}

// intersectCount counts common elements of two sorted unique slices.
func intersectCount[T int | uint32 | string](a, b []T) int {
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

func intersect(a, b []string) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

func cosineSets(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(intersectCount(a, b)) / math.Sqrt(float64(len(a))*float64(len(b)))
}
