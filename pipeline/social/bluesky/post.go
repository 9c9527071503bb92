package bluesky

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"vigie/pipeline/social"
)

// Post maps a post event to a social.Post. handle is the author's handle
// when known ("" uses the DID). A create gives a new post; an update gives
// the same ID with Edited set to the event time; a delete gives a tombstone.
func (ev Event) Post(handle string) (social.Post, error) {
	p, _, err := ev.post(handle)
	return p, err
}

// post is Post, also returning the languages the record declares.
func (ev Event) post(handle string) (social.Post, []string, error) {
	if !ev.IsPost() {
		return social.Post{}, nil, fmt.Errorf("post of %s event: not a post commit", ev.Kind)
	}
	c := ev.Commit
	p := social.Post{
		ID:       ev.PostURI(),
		SourceID: c.RKey,
		URL:      "https://bsky.app/profile/" + ev.DID + "/post/" + url.PathEscape(c.RKey),
		Author:   handle,
		AuthorID: ev.DID,
	}
	if p.Author == "" {
		p.Author = ev.DID
	}
	seen := time.UnixMicro(ev.TimeUS).UTC()
	if c.Operation == OpDelete {
		p.Deleted = true
		p.Created = seen
		return p, nil, nil
	}
	var rec PostRecord
	if err := json.Unmarshal(c.Record, &rec); err != nil {
		return social.Post{}, nil, fmt.Errorf("post %s: decode record: %w", p.ID, err)
	}
	p.Created = parseCreated(rec.CreatedAt, seen)
	if c.Operation == OpUpdate {
		p.Edited = &seen
	}
	if len(rec.Langs) > 0 {
		p.Language = rec.Langs[0]
	}
	rt := renderText(rec.Text, rec.Facets)
	p.Text, p.HTML, p.Links, p.Tags = rt.text, social.SanitizeHTML(rt.html), rt.links, rt.tags
	for _, t := range rec.Tags {
		t = strings.TrimPrefix(strings.TrimSpace(t), "#")
		if t != "" && !containsFold(p.Tags, t) {
			p.Tags = append(p.Tags, t)
		}
	}
	for e := rec.Embed; e != nil; e = e.Media {
		if e.External != nil && isWebURL(e.External.URI) && !slices.Contains(p.Links, e.External.URI) {
			p.Links = append(p.Links, e.External.URI)
		}
	}
	return p, rec.Langs, nil
}

// parseCreated reads createdAt, which clients write in several RFC 3339
// shapes; an unreadable or absent value falls back to the event time.
func parseCreated(s string, fallback time.Time) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return fallback
}

type rendered struct {
	text, html  string
	links, tags []string
}

// renderText applies the facets to the text: a link whose visible text is a
// shortened form of its URI is replaced by the full URI in the plain text;
// links, mentions and hashtags become anchors in the HTML. Facets with
// offsets outside the text, cutting a UTF-8 sequence, or overlapping an
// earlier facet are ignored.
func renderText(text string, facets []Facet) rendered {
	var r rendered
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	fs := slices.Clone(facets)
	slices.SortStableFunc(fs, func(a, b Facet) int { return a.Index.ByteStart - b.Index.ByteStart })
	var plain, h strings.Builder
	pos := 0
	writeHTML := func(s string) {
		h.WriteString(strings.ReplaceAll(html.EscapeString(s), "\n", "<br>"))
	}
	for _, f := range fs {
		start, end := f.Index.ByteStart, f.Index.ByteEnd
		if start < pos || end <= start || end > len(text) ||
			!utf8.RuneStart(text[start]) || (end < len(text) && !utf8.RuneStart(text[end])) {
			continue
		}
		feat, ok := firstFeature(f.Features)
		if !ok {
			continue
		}
		seg := text[start:end]
		plain.WriteString(text[pos:start])
		writeHTML(text[pos:start])
		switch feat.Type {
		case FeatureLink:
			if isWebURL(feat.URI) {
				if !slices.Contains(r.links, feat.URI) {
					r.links = append(r.links, feat.URI)
				}
				if shortens(seg, feat.URI) {
					plain.WriteString(feat.URI)
				} else {
					plain.WriteString(seg)
				}
				h.WriteString(`<a href="` + html.EscapeString(feat.URI) + `">`)
			} else {
				plain.WriteString(seg)
				h.WriteString("<a>")
			}
		case FeatureMention:
			plain.WriteString(seg)
			h.WriteString(`<a href="https://bsky.app/profile/` + html.EscapeString(url.PathEscape(feat.DID)) + `">`)
		case FeatureTag:
			plain.WriteString(seg)
			if t := strings.TrimPrefix(feat.Tag, "#"); t != "" && !containsFold(r.tags, t) {
				r.tags = append(r.tags, t)
			}
			h.WriteString(`<a href="https://bsky.app/hashtag/` + html.EscapeString(url.PathEscape(strings.TrimPrefix(feat.Tag, "#"))) + `">`)
		}
		writeHTML(seg)
		h.WriteString("</a>")
		pos = end
	}
	plain.WriteString(text[pos:])
	writeHTML(text[pos:])
	r.text = strings.TrimSpace(plain.String())
	if h.Len() > 0 {
		r.html = "<p>" + h.String() + "</p>"
	}
	return r
}

// firstFeature returns the first feature of a known type.
func firstFeature(fs []Feature) (Feature, bool) {
	for _, f := range fs {
		switch f.Type {
		case FeatureLink, FeatureMention, FeatureTag:
			return f, true
		}
	}
	return Feature{}, false
}

// shortens reports whether seg is how the Bluesky app displays uri: the URI
// itself, or the URI without its scheme (and "www."), possibly cut and ended
// by "..." or "…".
func shortens(seg, uri string) bool {
	seg = strings.TrimSpace(seg)
	if seg == uri {
		return true
	}
	cut := strings.TrimSuffix(strings.TrimSuffix(seg, "..."), "…")
	if cut == "" {
		return false
	}
	bare := uri
	for _, p := range []string{"https://", "http://"} {
		bare = strings.TrimPrefix(bare, p)
	}
	return strings.HasPrefix(uri, cut) || strings.HasPrefix(bare, cut) || strings.HasPrefix(strings.TrimPrefix(bare, "www."), cut)
}

func isWebURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
