package publish

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Text        string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr"`
	Text   string `xml:",chardata"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	Description string        `xml:"description,omitempty"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Categories  []rssCategory `xml:"category"`
}

type rssAtomLink struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom link"`
	Href    string   `xml:"href,attr"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr"`
}

type rssChannel struct {
	Title         string      `xml:"title"`
	Link          string      `xml:"link"`
	Description   string      `xml:"description"`
	Language      string      `xml:"language,omitempty"`
	LastBuildDate string      `xml:"lastBuildDate"`
	Generator     string      `xml:"generator"`
	AtomLink      rssAtomLink `xml:"http://www.w3.org/2005/Atom link"`
	Items         []rssItem   `xml:"item"`
}

type rssRoot struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

// rssTime formats t as RFC 822 (with a four-digit year), as RSS 2.0 asks.
func rssTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// WriteRSS writes f as an RSS 2.0 feed. An item's pubDate is its last
// update, so readers see corrections; its guid is the verdict page URL.
func WriteRSS(w io.Writer, f Feed) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("write rss feed: %w", err)
	}
	desc := f.Description
	if desc == "" {
		desc = f.Title
	}
	ch := rssChannel{
		Title: f.Title, Link: f.HomeURL, Description: desc, Language: f.Language,
		LastBuildDate: rssTime(f.updated()), Generator: generatorName,
		AtomLink: rssAtomLink{Href: f.SelfURL, Rel: "self", Type: "application/rss+xml"},
	}
	for _, e := range f.Entries {
		it := rssItem{
			Title: e.Title, Link: e.URL, Description: e.Summary,
			GUID:    rssGUID{IsPermaLink: e.id() == e.URL, Text: e.id()},
			PubDate: rssTime(e.updated()),
		}
		for _, c := range e.categories() {
			it.Categories = append(it.Categories, rssCategory{Domain: c.Scheme, Text: c.Term})
		}
		ch.Items = append(ch.Items, it)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write rss feed: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(rssRoot{Version: "2.0", Channel: ch}); err != nil {
		return fmt.Errorf("write rss feed: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write rss feed: %w", err)
	}
	return nil
}
