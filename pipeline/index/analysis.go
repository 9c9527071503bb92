package index

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// foldFilterName is the Bleve token filter that removes diacritics.
const foldFilterName = "vigie_fold"

func init() {
	// Registered once per process; the persisted mapping refers to it by name.
	if err := registry.RegisterTokenFilter(foldFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}); err != nil {
		panic(err)
	}
}

// foldFilter folds a token to its base letters: canonical decomposition, then
// the combining marks (Latin accents, Arabic harakat, hamza above/below) are
// dropped, and a few letters without a decomposition are spelled out.
// It changes the term only, so offsets still point into the original text
// and highlights stay exact.
type foldFilter struct{}

// Filter implements analysis.TokenFilter. It also splits words at
// apostrophes ("l'écologie" gives "l" and "ecologie"), as Meilisearch's
// tokenizer does, and renumbers positions.
func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0:0]
	for _, tok := range in {
		for _, part := range splitApostrophes(tok) {
			part.Term = foldTerm(part.Term)
			if len(part.Term) == 0 {
				continue
			}
			part.Position = len(out) + 1
			out = append(out, part)
		}
	}
	return out
}

// splitApostrophes splits a token at ' and ’ when the term still has the
// byte length of the original span (so the offsets can be carried over).
func splitApostrophes(tok *analysis.Token) []*analysis.Token {
	term := tok.Term
	if !bytes.ContainsAny(term, "'’") || len(term) != tok.End-tok.Start {
		return []*analysis.Token{tok}
	}
	var parts []*analysis.Token
	start := 0
	emit := func(end int) {
		if end > start {
			parts = append(parts, &analysis.Token{
				Start: tok.Start + start, End: tok.Start + end, Term: term[start:end], Type: tok.Type, KeyWord: tok.KeyWord,
			})
		}
	}
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		if r == '\'' || r == '’' {
			emit(i)
			start = i + n
		}
		i += n
	}
	emit(len(term))
	return parts
}

var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i",
	'ـ': "", // Arabic tatweel
}

// foldTerm returns the folded form of an already lower-cased term.
func foldTerm(term []byte) []byte {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return term
	}
	d := norm.NFD.Bytes(term)
	out := make([]byte, 0, len(d))
	for len(d) > 0 {
		r, n := utf8.DecodeRune(d)
		d = d[n:]
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if s, ok := foldSpecial[r]; ok {
			out = append(out, s...)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return norm.NFC.Bytes(out)
}
