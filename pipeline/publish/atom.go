package publish

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomGenerator struct {
	Text string `xml:",chardata"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string        `xml:"xml:lang,attr,omitempty"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  *atomText     `xml:"subtitle,omitempty"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Author    atomPerson    `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

// atomTime formats t as an RFC 3339 date-time in UTC.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// linkType returns the media type of the entry's link.
func (e Entry) linkType() string {
	if e.LinkType == "" {
		return "text/html"
	}
	return e.LinkType
}

// categories returns the rating and locality categories of e.
func (e Entry) categories() []atomCategory {
	cats := []atomCategory{{Term: string(e.Rating), Scheme: SchemeRating, Label: e.TextualRating}}
	for _, l := range e.Localities {
		cats = append(cats, atomCategory{Term: l, Scheme: SchemeLocality})
	}
	return cats
}

// WriteAtom writes f as an Atom 1.0 feed (RFC 4287).
func WriteAtom(w io.Writer, f Feed) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("write atom feed: %w", err)
	}
	af := atomFeed{
		Lang: f.Language, ID: f.id(), Title: atomText{Type: "text", Text: f.Title}, Updated: atomTime(f.updated()),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL},
			{Rel: "alternate", Type: "text/html", Href: f.HomeURL},
		},
		Author:    atomPerson{Name: f.Author.Name, URI: f.Author.URL},
		Generator: atomGenerator{Text: generatorName},
	}
	if f.Description != "" {
		af.Subtitle = &atomText{Type: "text", Text: f.Description}
	}
	for _, e := range f.Entries {
		ae := atomEntry{
			ID: e.id(), Title: atomText{Type: "text", Text: e.Title}, Updated: atomTime(e.updated()),
			Links:      []atomLink{{Rel: "alternate", Type: e.linkType(), Href: e.URL}},
			Categories: e.categories(),
		}
		if e.Language != f.Language {
			ae.Lang = e.Language
		}
		if !e.Published.IsZero() {
			ae.Published = atomTime(e.Published)
		}
		if e.Summary != "" {
			ae.Summary = &atomText{Type: "text", Text: e.Summary}
		}
		af.Entries = append(af.Entries, ae)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write atom feed: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(af); err != nil {
		return fmt.Errorf("write atom feed: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write atom feed: %w", err)
	}
	return nil
}
