package claims

import (
	"strings"
	"unicode/utf8"
)

// maxParagraph bounds the context ParagraphOf returns, in bytes.
const maxParagraph = 900

// ParagraphOf returns the paragraph of the item's text that holds sentence
// (paragraphs are separated by line breaks), cut around the sentence to
// about maxParagraph bytes at word boundaries; "" when the sentence is not
// in the text (a title's sentence) or is the whole paragraph.
func ParagraphOf(it Item, sentence string) string {
	sentence = strings.TrimSpace(sentence)
	if sentence == "" {
		return ""
	}
	for p := range strings.SplitSeq(it.Text, "\n") {
		p = strings.TrimSpace(p)
		i := strings.Index(p, sentence)
		if i < 0 {
			continue
		}
		if p == sentence {
			return ""
		}
		if len(p) <= maxParagraph {
			return p
		}
		room := max((maxParagraph-len(sentence))/2, 0)
		lo, hi := max(i-room, 0), min(i+len(sentence)+room, len(p))
		for lo > 0 && lo < i && (!utf8.RuneStart(p[lo]) || p[lo-1] != ' ') {
			lo++
		}
		for hi < len(p) && hi > i+len(sentence) && (!utf8.RuneStart(p[hi]) || p[hi] != ' ') {
			hi--
		}
		out := strings.TrimSpace(p[lo:hi])
		if lo > 0 {
			out = "… " + out
		}
		if hi < len(p) {
			out += " …"
		}
		return out
	}
	return ""
}
