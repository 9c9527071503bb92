package bench

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"

	"vigie/pipeline/feed"
)

// Generated load. The benchmark and the fault tests need more items than
// the real fixture feeds hold, so ExpandFeeds makes them from those feeds:
// item k of the output is entry k mod n of the fixtures, its guid and link
// suffixed with k and its title prefixed with "[generated copy k]". The
// texts stay the real texts (real sentence lengths, languages and
// encodings), only repeated; the feeds say they are generated in their
// titles. Nothing generated is ever presented as an article of its own.

// Entry is one entry taken from a fixture feed.
type Entry struct {
	Title, Text, Link string
	// GUID is the entry's guid, else its link.
	GUID string
	// Language is the entry's language, else its feed's.
	Language string
}

// FixtureEntries parses fixture feeds into entries.
func FixtureEntries(ctx context.Context, fixtures map[string][]byte) ([]Entry, error) {
	var out []Entry
	names := make([]string, 0, len(fixtures))
	for n := range fixtures {
		names = append(names, n)
	}
	// Deterministic order.
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && names[j] < names[j-1]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
	for _, n := range names {
		f, err := feed.Parse(ctx, fixtures[n], "", "http://fixtures.invalid/"+n)
		if err != nil {
			return nil, fmt.Errorf("fixture %s: %w", n, err)
		}
		for _, e := range f.Entries {
			if strings.TrimSpace(e.Text) == "" && strings.TrimSpace(e.Title) == "" {
				continue
			}
			out = append(out, Entry{Title: e.Title, Text: e.Text, Link: e.Link, GUID: firstNonEmptyStr(e.GUID, e.Link), Language: firstNonEmptyStr(e.Language, f.Language)})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no entries in the fixtures")
	}
	return out, nil
}

func firstNonEmptyStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ExpandFeeds returns feeds RSS 2.0 documents holding total generated items,
// perFeed items each (the last may hold fewer).
func ExpandFeeds(entries []Entry, total, perFeed int) [][]byte {
	var out [][]byte
	for start := 0; start < total; start += perFeed {
		end := min(start+perFeed, total)
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>GENERATED load feed %d (copies of real fixture entries)</title><link>http://load.invalid/</link>`, start/perFeed)
		for k := start; k < end; k++ {
			e := entries[k%len(entries)]
			b.WriteString("<item><title>")
			xmlEscape(&b, fmt.Sprintf("[generated copy %d] %s", k, e.Title))
			b.WriteString("</title><guid isPermaLink=\"false\">")
			xmlEscape(&b, fmt.Sprintf("gen-%d-%s", k, e.GUID))
			b.WriteString("</guid><link>")
			xmlEscape(&b, fmt.Sprintf("http://load.invalid/item/%d", k))
			b.WriteString("</link><description>")
			xmlEscape(&b, e.Text)
			b.WriteString("</description>")
			if e.Language != "" {
				b.WriteString("<dc:language xmlns:dc=\"http://purl.org/dc/elements/1.1/\">")
				xmlEscape(&b, e.Language)
				b.WriteString("</dc:language>")
			}
			b.WriteString("</item>")
		}
		b.WriteString("</channel></rss>")
		out = append(out, []byte(b.String()))
	}
	return out
}

func xmlEscape(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s))
}
