package index

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// SnippetBytes is the most text, in bytes of the original, a highlighted
// snippet shows; longer values are cropped around the first match with "…".
const SnippetBytes = 280

// highlight builds the snippet of field name in doc from the match locations.
func (sc *schema) highlight(name string, doc Document, locs search.FieldTermLocationMap) (string, bool) {
	f, ok := sc.fields[name]
	if !ok {
		return "", false
	}
	field := searchFieldName(f)
	var spans []span
	elem := -1 // for list values, the first element with a match
	for _, tl := range locs[field] {
		for _, l := range tl {
			e := 0
			if len(l.ArrayPositions) > 0 {
				e = int(l.ArrayPositions[0])
			}
			if elem == -1 || e < elem {
				elem = e
				spans = spans[:0]
			}
			if e == elem {
				spans = append(spans, span{int(l.Start), int(l.End)})
			}
		}
	}
	var text string
	switch v := doc[name].(type) {
	case string:
		text = v
	case []any:
		i := max(elem, 0)
		if i < len(v) {
			text, _ = v[i].(string)
		}
	}
	if text == "" {
		return "", false
	}
	return markSnippet(text, spans, SnippetBytes), true
}

type span struct{ start, end int }

// markSnippet HTML-escapes text, wraps the spans in <mark>…</mark> and crops
// to about limit bytes around the first span.
func markSnippet(text string, spans []span, limit int) string {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	merged := spans[:0:0]
	for _, s := range spans {
		if s.start < 0 || s.end > len(text) || s.start >= s.end {
			continue
		}
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	from, to := 0, len(text)
	if len(text) > limit {
		if len(merged) > 0 {
			from = max(0, merged[0].start-limit/4)
		}
		from = wordStart(text, from)
		if len(merged) > 0 && from > merged[0].start {
			from = merged[0].start
		}
		to = wordEnd(text, min(len(text), from+limit))
		if len(merged) > 0 && to < merged[0].end {
			to = merged[0].end
		}
		to = max(to, from)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	cur := from
	for _, s := range merged {
		if s.start < cur || s.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[cur:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		cur = s.end
	}
	b.WriteString(html.EscapeString(text[cur:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// wordStart moves i forward to the start of a word (after a space), staying
// on a rune boundary.
func wordStart(s string, i int) int {
	if i == 0 {
		return 0
	}
	for j := i; j < len(s) && j < i+40; j++ {
		if s[j] == ' ' {
			return j + 1
		}
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}

// wordEnd moves i back to the end of a word (before a space), staying on a
// rune boundary.
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for j := i; j > 0 && j > i-40; j-- {
		if s[j] == ' ' {
			return j
		}
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}
