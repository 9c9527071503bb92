package publish

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie/claims"
)

// Content types of the three feed formats.
const (
	ContentTypeAtom     = "application/atom+xml; charset=utf-8"
	ContentTypeRSS      = "application/rss+xml; charset=utf-8"
	ContentTypeJSONFeed = "application/feed+json; charset=utf-8"
)

// Category schemes used in Atom categories and RSS category domains.
const (
	SchemeRating   = "urn:vigie:rating"
	SchemeLocality = "urn:vigie:locality"
)

// generatorName names Vigie in the feeds' generator fields.
const generatorName = "Vigie"

// Feed is a feed of verdicts, encoded by WriteAtom, WriteRSS and
// WriteJSONFeed.
type Feed struct {
	// ID is the feed's permanent IRI; SelfURL when empty.
	ID string
	// Title names the feed.
	Title string
	// Description says what the feed holds.
	Description string
	// SelfURL is the URL this feed is served at (required).
	SelfURL string
	// HomeURL is the HTML page the feed describes (required).
	HomeURL string
	// Language is the feed's BCP 47 language tag, if it has one.
	Language string
	// Author is the newsroom publishing the feed (required).
	Author Party
	// Updated is when the feed last changed; the latest entry's update
	// when zero.
	Updated time.Time
	// Entries are newest first.
	Entries []Entry
}

// Entry is one verdict in a feed.
type Entry struct {
	// ID is the entry's permanent IRI, the verdict page URL by default.
	ID string
	// URL is the verdict page.
	URL string
	// LinkType is the media type of URL in Atom; "text/html" when empty
	// (an index of CAP messages sets "application/cap+xml").
	LinkType string
	// Title is the rating and the claim.
	Title string
	// Summary is the verdict's explanation, plain text.
	Summary string
	// Published is when the verdict was first published.
	Published time.Time
	// Updated is when it last changed (a correction).
	Updated time.Time
	// Rating is the normalised rating.
	Rating claims.Rating
	// TextualRating is the newsroom's rating text.
	TextualRating string
	// Localities are the municipality codes concerned.
	Localities []string
	// Language is the entry's BCP 47 language tag.
	Language string
	// Retracted is true when the verdict was withdrawn.
	Retracted bool
	// Version is the verdict's version (1 + corrections).
	Version int
}

// EntryFromVerdict makes the feed entry of a verdict.
func EntryFromVerdict(v Verdict) Entry {
	title := v.textualRating() + " — " + v.ClaimReviewed
	summary := v.Summary
	if v.Retracted {
		title = "[retracted] " + title
	}
	if n := len(v.Corrections); n > 0 {
		summary = strings.TrimSpace(summary + "\n\nCorrection (" + v.Corrections[n-1].Date.UTC().Format("2006-01-02") + "): " +
			v.Corrections[n-1].Note)
	}
	return Entry{
		ID: v.URL, URL: v.URL, Title: title, Summary: summary, Published: v.Published, Updated: v.modified(),
		Rating: v.Rating, TextualRating: v.textualRating(), Localities: slices.Clone(v.Localities), Language: v.Language,
		Retracted: v.Retracted, Version: max(v.Version, 1),
	}
}

// Filter selects verdicts for a feed; an empty field selects all.
type Filter struct {
	Localities []string
	Languages  []string
	Ratings    []claims.Rating
}

// Match reports whether v passes the filter: it concerns one of the
// localities, is in one of the languages and has one of the ratings.
func (f Filter) Match(v Verdict) bool {
	if len(f.Localities) > 0 && !slices.ContainsFunc(v.Localities, func(l string) bool { return slices.Contains(f.Localities, l) }) {
		return false
	}
	if len(f.Languages) > 0 && !slices.ContainsFunc(f.Languages, func(l string) bool { return strings.EqualFold(l, v.Language) }) {
		return false
	}
	if len(f.Ratings) > 0 && !slices.Contains(f.Ratings, v.Rating) {
		return false
	}
	return true
}

// Entries returns the entries of the verdicts that pass the filter, newest
// update first, at most limit of them (all when limit ≤ 0).
func (f Filter) Entries(vs []Verdict, limit int) []Entry {
	var out []Entry
	for _, v := range vs {
		if f.Match(v) {
			out = append(out, EntryFromVerdict(v))
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return b.Updated.Compare(a.Updated) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// updated returns the feed's update time.
func (f Feed) updated() time.Time {
	if !f.Updated.IsZero() {
		return f.Updated
	}
	var t time.Time
	for _, e := range f.Entries {
		if u := e.updated(); u.After(t) {
			t = u
		}
	}
	if t.IsZero() {
		// An empty feed still needs a stable date: the epoch of Vigie's feeds.
		t = time.Unix(0, 0)
	}
	return t
}

// id returns the feed's IRI.
func (f Feed) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.SelfURL
}

// updated returns the entry's update time, Published when zero.
func (e Entry) updated() time.Time {
	if e.Updated.IsZero() {
		return e.Published
	}
	return e.Updated
}

// id returns the entry's IRI.
func (e Entry) id() string {
	if e.ID != "" {
		return e.ID
	}
	return e.URL
}

// validate reports what the feed formats require and f lacks.
func (f Feed) validate() error {
	switch {
	case f.Title == "":
		return fmt.Errorf("feed has no title")
	case !isAbsURL(f.SelfURL):
		return fmt.Errorf("feed self url %q is not absolute", f.SelfURL)
	case !isAbsURL(f.HomeURL):
		return fmt.Errorf("feed home url %q is not absolute", f.HomeURL)
	case f.Author.Name == "":
		return fmt.Errorf("feed has no author")
	case !validLanguage(f.Language):
		return fmt.Errorf("feed language %q is not a language tag", f.Language)
	}
	for i, e := range f.Entries {
		switch {
		case e.id() == "":
			return fmt.Errorf("feed entry %d has no id", i)
		case !isAbsURL(e.URL):
			return fmt.Errorf("feed entry %q: url %q is not absolute", e.id(), e.URL)
		case e.Title == "":
			return fmt.Errorf("feed entry %q has no title", e.id())
		case e.updated().IsZero():
			return fmt.Errorf("feed entry %q has no date", e.id())
		case !validLanguage(e.Language):
			return fmt.Errorf("feed entry %q: language %q is not a language tag", e.id(), e.Language)
		}
	}
	return nil
}

// validLanguage reports whether s is empty or a language tag
// (claims.ParseLanguage; every such tag is one RFC 4287 and xml:lang accept).
func validLanguage(s string) bool { return s == "" || claims.ValidLanguage(s) }
