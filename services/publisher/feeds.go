package publisher

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"vigie/pipeline/publish"
)

// feedFormat is one of the public feed encodings.
type feedFormat struct {
	ext         string
	contentType string
	write       func(*bytes.Buffer, publish.Feed) error
}

var (
	formatAtom = feedFormat{".atom", publish.ContentTypeAtom,
		func(b *bytes.Buffer, f publish.Feed) error { return publish.WriteAtom(b, f) }}
	formatRSS = feedFormat{".rss", publish.ContentTypeRSS,
		func(b *bytes.Buffer, f publish.Feed) error { return publish.WriteRSS(b, f) }}
	formatJSON = feedFormat{".json", publish.ContentTypeJSONFeed,
		func(b *bytes.Buffer, f publish.Feed) error { return publish.WriteJSONFeed(b, f) }}
)

// FeedPath is the path of the public feed of verdicts in a format: "atom",
// "rss" or "json".
func FeedPath(format string) string { return "/feeds/verdicts." + format }

// serveFeed returns the handler of one feed format.
func (s *Service) serveFeed(ff feedFormat) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := ParseFilter(r.URL.Query())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body, modified, err := s.feed(r, ff, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		publish.ServeFeed(w, r, ff.contentType, body, modified)
	}
}

// feed renders the feed of the published verdicts f selects, and the
// latest update among them (zero when none).
// Within Options.CacheTTL, a feed already rendered for the same format
// and filter is served again without rendering.
func (s *Service) feed(r *http.Request, ff feedFormat, f Filter) ([]byte, time.Time, error) {
	vs, gen, err := s.publicVerdictsGen(r.Context())
	if err != nil {
		return nil, time.Time{}, err
	}
	key := ff.ext + "?" + f.Query()
	s.mu.Lock()
	rf, ok := s.rendered[key]
	s.mu.Unlock()
	if ok && rf.gen == gen {
		return rf.body, rf.modified, nil
	}
	body, modified, err := s.renderFeed(vs, ff, f)
	if err != nil {
		return nil, time.Time{}, err
	}
	s.mu.Lock()
	if s.gen == gen {
		if s.rendered == nil || len(s.rendered) >= maxRendered {
			s.rendered = make(map[string]renderedFeed)
		}
		s.rendered[key] = renderedFeed{gen: gen, body: body, modified: modified}
	}
	s.mu.Unlock()
	return body, modified, nil
}

// renderFeed encodes the verdicts that pass f.
func (s *Service) renderFeed(vs []published, ff feedFormat, f Filter) ([]byte, time.Time, error) {
	var entries []publish.Entry
	var modified time.Time
	for _, v := range vs {
		if !f.Match(v.pub) {
			continue
		}
		e := publish.EntryFromVerdict(v.pub)
		entries = append(entries, e)
		if e.Updated.After(modified) {
			modified = e.Updated
		}
	}
	// Newest update first: a correction brings a verdict back to the top.
	sortEntries(entries)
	if len(entries) > s.opts.FeedLimit {
		entries = entries[:s.opts.FeedLimit]
	}
	query := f.Query()
	// A feed of one language speaks it; others are in English.
	m := catalog["en"]
	if len(f.Languages) == 1 {
		m = messagesFor(f.Languages[0])
	}
	feed := publish.Feed{
		Title:       s.opts.Site.Publisher.Name + " — " + m.ListTitle,
		Description: m.ListIntro,
		SelfURL:     withQuery(s.opts.Site.BaseURL+FeedPath(strings.TrimPrefix(ff.ext, ".")), query),
		HomeURL:     withQuery(s.opts.Site.BaseURL+"/verdicts", query),
		Author:      s.opts.Site.Publisher,
		Entries:     entries,
	}
	if len(f.Languages) == 1 {
		feed.Language = f.Languages[0]
	}
	if !f.Empty() {
		feed.Title += " (" + describeFilter(f) + ")"
	}
	var buf bytes.Buffer
	if err := ff.write(&buf, feed); err != nil {
		return nil, time.Time{}, fmt.Errorf("render feed %s: %w", ff.ext, err)
	}
	return buf.Bytes(), modified, nil
}

// sortEntries orders entries by update, newest first, stably.
func sortEntries(es []publish.Entry) {
	slices.SortStableFunc(es, func(a, b publish.Entry) int { return b.Updated.Compare(a.Updated) })
}

// describeFilter names a filter in a feed title.
func describeFilter(f Filter) string {
	var parts []string
	parts = append(parts, f.Localities...)
	parts = append(parts, f.Languages...)
	for _, r := range f.Ratings {
		parts = append(parts, r.Label())
	}
	return strings.Join(parts, ", ")
}
