package publish

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"vigie/claims"
)

// jsonFeedVersion is the JSON Feed version written.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

type jfAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// jfVigie is the "_vigie" extension object of an item.
type jfVigie struct {
	Rating        claims.Rating `json:"rating"`
	TextualRating string        `json:"textual_rating"`
	Localities    []string      `json:"localities"`
	Version       int           `json:"version"`
	Retracted     bool          `json:"retracted"`
}

type jfItem struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	ContentText   string   `json:"content_text"`
	DatePublished string   `json:"date_published,omitempty"`
	DateModified  string   `json:"date_modified"`
	Tags          []string `json:"tags,omitempty"`
	Language      string   `json:"language,omitempty"`
	Vigie         jfVigie  `json:"_vigie"`
}

type jfFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Description string     `json:"description,omitempty"`
	Language    string     `json:"language,omitempty"`
	Authors     []jfAuthor `json:"authors"`
	Items       []jfItem   `json:"items"`
}

// WriteJSONFeed writes f as a JSON Feed 1.1. Each item carries a "_vigie"
// extension object with the normalised rating, the localities, the
// version and whether it was retracted; tags repeat the rating and the
// localities for readers that know only tags.
func WriteJSONFeed(w io.Writer, f Feed) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("write json feed: %w", err)
	}
	jf := jfFeed{
		Version: jsonFeedVersion, Title: f.Title, HomePageURL: f.HomeURL, FeedURL: f.SelfURL,
		Description: f.Description, Language: f.Language,
		Authors: []jfAuthor{{Name: f.Author.Name, URL: f.Author.URL}},
		Items:   []jfItem{},
	}
	for _, e := range f.Entries {
		it := jfItem{
			ID: e.id(), URL: e.URL, Title: e.Title, ContentText: e.Summary,
			DateModified: e.updated().UTC().Format(time.RFC3339),
			Tags:         append([]string{string(e.Rating)}, e.Localities...),
			Language:     e.Language,
			Vigie: jfVigie{Rating: e.Rating, TextualRating: e.TextualRating, Localities: e.Localities,
				Version: e.Version, Retracted: e.Retracted},
		}
		if it.ContentText == "" {
			it.ContentText = e.Title
		}
		if it.Vigie.Localities == nil {
			it.Vigie.Localities = []string{}
		}
		if !e.Published.IsZero() {
			it.DatePublished = e.Published.UTC().Format(time.RFC3339)
		}
		jf.Items = append(jf.Items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jf); err != nil {
		return fmt.Errorf("write json feed: %w", err)
	}
	return nil
}
