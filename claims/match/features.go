package match

import (
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"unicode"

	"vigie/claims/text"
)

// prepared holds what re-ranking needs of a text, computed once per document.
type prepared struct {
	lang       string
	textStems  []string
	titleStems []string
	surface    map[string]string // stem → first folded surface form
	numbers    []string          // normalised, sorted, unique
	entities   []string          // folded capitalised words, sorted, unique
	gramsText  []uint32          // sorted unique char 4-gram hashes of the text
	gramsTitle []uint32
	key        string // folded tokens of the claim text: equal for duplicates
}

func langOf(d Doc) string {
	if d.Language != "" {
		return d.Language
	}
	return detectLang(d.Text + " " + d.Title)
}

func prepareDoc(d Doc) *prepared {
	lang := langOf(d)
	a := text.AnalyzerFor(lang)
	p := &prepared{lang: lang, surface: map[string]string{}}
	tt := a.Terms(d.Text)
	ti := a.Terms(d.Title)
	for _, t := range tt {
		p.textStems = append(p.textStems, t.Stem)
		if _, ok := p.surface[t.Stem]; !ok {
			p.surface[t.Stem] = t.Text
		}
	}
	for _, t := range ti {
		p.titleStems = append(p.titleStems, t.Stem)
		if _, ok := p.surface[t.Stem]; !ok {
			p.surface[t.Stem] = t.Text
		}
	}
	p.numbers = numbersOf(d.Text + " " + d.Title)
	p.entities = entitiesOf(d.Text+" \n "+d.Title, a)
	p.gramsText = charGrams(d.Text, 4)
	p.gramsTitle = charGrams(d.Title, 4)
	var kb strings.Builder
	for _, t := range text.Tokenize(d.Text) {
		kb.WriteString(t.Text)
		kb.WriteByte(' ')
	}
	p.key = kb.String()
	return p
}

func prepareQuery(q, lang string) *prepared {
	a := text.AnalyzerFor(lang)
	p := &prepared{lang: lang, surface: map[string]string{}}
	for _, t := range a.Terms(q) {
		p.textStems = append(p.textStems, t.Stem)
		if _, ok := p.surface[t.Stem]; !ok {
			p.surface[t.Stem] = t.Text
		}
	}
	p.numbers = numbersOf(q)
	p.entities = entitiesOf(q, a)

	p.gramsText = charGrams(q, 4)
	return p
}

// numbersOf returns the normalised numbers of s, sorted and unique. Years and
// other numbers are kept alike; single digits are kept (counts matter).
func numbersOf(s string) []string {
	var out []string
	for _, t := range text.Tokenize(s) {
		if t.Number {
			out = append(out, t.Text)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// entitiesOf returns capitalised words that are not sentence-initial stop
// words, folded, sorted, unique: a cheap stand-in for named entities.
func entitiesOf(s string, a *text.Analyzer) []string {
	var out []string
	for _, t := range text.Tokenize(s) {
		if t.Number || t.End-t.Start < 2 {
			continue
		}
		r := []rune(s[t.Start:t.End])
		if !unicode.IsUpper(r[0]) || a.IsStop(t.Text) {
			continue
		}
		out = append(out, t.Text)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// charGrams returns the sorted unique hashes of the character n-grams of the
// folded text, words joined by single spaces and padded.
func charGrams(s string, n int) []uint32 {
	toks := text.Tokenize(s)
	if len(toks) == 0 {
		return nil
	}
	buf := make([]rune, 0, len(s)+2)
	buf = append(buf, ' ')
	for _, t := range toks {
		buf = append(buf, []rune(t.Text)...)
		buf = append(buf, ' ')
	}
	if len(buf) < n {
		return nil
	}
	out := make([]uint32, 0, len(buf)-n+1)
	h := fnv.New32a()
	for i := 0; i+n <= len(buf); i++ {
		h.Reset()
		var b [16]byte
		k := 0
		for _, r := range buf[i : i+n] {
			k += encodeRune(b[k:], r)
		}
		_, _ = h.Write(b[:k])
		out = append(out, h.Sum32())
	}
	slices.Sort(out)
	return slices.Compact(out)
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
