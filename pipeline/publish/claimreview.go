package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"time"
	"unicode/utf8"
)

// MaxClaimReviewedRunes is the length above which Google truncates
// claimReviewed; longer claims are published with a warning.
const MaxClaimReviewedRunes = 75

// schemaContext is the JSON-LD @context of every document.
const schemaContext = "https://schema.org"

// jsonPerson is a schema.org Organization or Person.
type jsonPerson struct {
	Type string `json:"@type"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// jsonCreativeWork is an appearance of a claim.
type jsonCreativeWork struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

// jsonClaim is the itemReviewed of a ClaimReview.
type jsonClaim struct {
	Type            string             `json:"@type"`
	Author          *jsonPerson        `json:"author,omitempty"`
	DatePublished   string             `json:"datePublished,omitempty"`
	Appearance      []jsonCreativeWork `json:"appearance,omitempty"`
	FirstAppearance *jsonCreativeWork  `json:"firstAppearance,omitempty"`
}

// jsonRating is a reviewRating.
type jsonRating struct {
	Type          string `json:"@type"`
	RatingValue   *int   `json:"ratingValue,omitempty"`
	BestRating    *int   `json:"bestRating,omitempty"`
	WorstRating   *int   `json:"worstRating,omitempty"`
	AlternateName string `json:"alternateName"`
	Name          string `json:"name"`
}

// jsonClaimReview is a ClaimReview document.
type jsonClaimReview struct {
	Context       string     `json:"@context"`
	Type          string     `json:"@type"`
	URL           string     `json:"url"`
	ClaimReviewed string     `json:"claimReviewed"`
	ReviewRating  jsonRating `json:"reviewRating"`
	ItemReviewed  jsonClaim  `json:"itemReviewed"`
	Author        jsonPerson `json:"author"`
	DatePublished string     `json:"datePublished"`
	DateModified  string     `json:"dateModified,omitempty"`
	InLanguage    string     `json:"inLanguage,omitempty"`
	ReviewBody    string     `json:"reviewBody,omitempty"`
}

// jsonSnapshot is one appearance of a reviewed image or video.
type jsonSnapshot struct {
	Type       string `json:"@type"`
	ContentURL string `json:"contentUrl"`
	ArchivedAt string `json:"archivedAt,omitempty"`
}

// jsonMediaReviewItem is the itemReviewed of a MediaReview.
type jsonMediaReviewItem struct {
	Type                string         `json:"@type"`
	Creator             *jsonPerson    `json:"creator,omitempty"`
	InterpretedAsClaim  *jsonClaimText `json:"interpretedAsClaim,omitempty"`
	MediaItemAppearance []jsonSnapshot `json:"mediaItemAppearance"`
}

// jsonClaimText is a Claim known by its text only.
type jsonClaimText struct {
	Type        string `json:"@type"`
	Description string `json:"description"`
}

// jsonMediaReview is a MediaReview document.
type jsonMediaReview struct {
	Context                         string              `json:"@context"`
	Type                            string              `json:"@type"`
	URL                             string              `json:"url"`
	DatePublished                   string              `json:"datePublished"`
	Author                          jsonPerson          `json:"author"`
	MediaAuthenticityCategory       string              `json:"mediaAuthenticityCategory"`
	OriginalMediaContextDescription string              `json:"originalMediaContextDescription,omitempty"`
	OriginalMediaLink               string              `json:"originalMediaLink,omitempty"`
	ItemReviewed                    jsonMediaReviewItem `json:"itemReviewed"`
}

// Markup is the structured data of a verdict page.
type Markup struct {
	// ClaimReview is the ClaimReview JSON-LD document.
	ClaimReview []byte
	// MediaReview is the MediaReview JSON-LD document, nil unless the
	// claim concerns an image or a video.
	MediaReview []byte
	// Warnings are publishable problems worth showing to the editor.
	Warnings []string
}

// HTML returns the documents as <script type="application/ld+json">
// elements for the page's head. The JSON encoder escapes '<', '>' and '&',
// so no document can close the script element.
func (m Markup) HTML() template.HTML {
	var b bytes.Buffer
	for _, doc := range [][]byte{m.ClaimReview, m.MediaReview} {
		if doc == nil {
			continue
		}
		b.WriteString(`<script type="application/ld+json">`)
		b.Write(doc)
		b.WriteString("</script>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // JSON from json.Marshal, with <, > and & escaped.
}

// party converts p to JSON-LD; nil when p has no name.
func party(p Party) *jsonPerson {
	if p.Name == "" {
		return nil
	}
	kind := p.Kind
	if kind == "" {
		kind = Organization
	}
	return &jsonPerson{Type: string(kind), Name: p.Name, URL: p.URL}
}

// isoTime formats t for schema.org Date/DateTime values.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// isAbsURL reports whether s is an absolute http or https URL.
func isAbsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// BuildMarkup returns the ClaimReview (and, for an image or a video, the
// MediaReview) JSON-LD of v. It fails when a field Google requires is
// missing or invalid; missing recommended fields and a claimReviewed
// longer than MaxClaimReviewedRunes give warnings.
func BuildMarkup(v Verdict) (Markup, error) {
	if err := v.validate(); err != nil {
		return Markup{}, fmt.Errorf("build claim review: %w", err)
	}
	var m Markup
	warn := func(format string, args ...any) { m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...)) }
	if n := utf8.RuneCountInString(v.ClaimReviewed); n > MaxClaimReviewedRunes {
		warn("claimReviewed has %d characters; search engines show at most %d", n, MaxClaimReviewedRunes)
	}
	rating := jsonRating{Type: "Rating", AlternateName: v.textualRating(), Name: v.textualRating()}
	if val, ok := v.Rating.Value(); ok {
		best, worst := 5, 1
		rating.RatingValue, rating.BestRating, rating.WorstRating = &val, &best, &worst
	}
	claim := jsonClaim{Type: "Claim", Author: party(v.Claimant), DatePublished: isoTime(v.ClaimDate)}
	for _, a := range v.Appearances {
		if !isAbsURL(a) {
			warn("appearance %q is not an absolute URL; left out", a)
			continue
		}
		claim.Appearance = append(claim.Appearance, jsonCreativeWork{Type: "CreativeWork", URL: a})
	}
	if fa := v.firstAppearance(); isAbsURL(fa) {
		claim.FirstAppearance = &jsonCreativeWork{Type: "CreativeWork", URL: fa}
	}
	if claim.Author == nil {
		warn("no claimant: itemReviewed.author is recommended")
	}
	if claim.DatePublished == "" {
		warn("no claim date: itemReviewed.datePublished is recommended")
	}
	if len(claim.Appearance) == 0 {
		warn("no appearance: itemReviewed.appearance is recommended")
	}
	if claim.FirstAppearance == nil {
		warn("no first appearance: itemReviewed.firstAppearance is recommended")
	}
	author := *party(v.Publisher)
	cr := jsonClaimReview{
		Context: schemaContext, Type: "ClaimReview", URL: v.URL, ClaimReviewed: v.ClaimReviewed,
		ReviewRating: rating, ItemReviewed: claim, Author: author,
		DatePublished: isoTime(v.Published), InLanguage: v.Language, ReviewBody: v.Summary,
	}
	if mod := v.modified(); mod.After(v.Published) {
		cr.DateModified = isoTime(mod)
	}
	var err error
	if m.ClaimReview, err = json.Marshal(cr); err != nil {
		return Markup{}, fmt.Errorf("build claim review %q: %w", v.ID, err)
	}
	if v.Media == nil {
		return m, nil
	}
	snapType := "ImageObjectSnapshot"
	if v.Media.Kind == MediaVideo {
		snapType = "VideoObjectSnapshot"
	}
	item := jsonMediaReviewItem{Type: "MediaReviewItem", Creator: party(v.Claimant),
		InterpretedAsClaim: &jsonClaimText{Type: "Claim", Description: v.ClaimReviewed}}
	for i, a := range v.Media.Appearances {
		if !isAbsURL(a) {
			warn("media appearance %q is not an absolute URL; left out", a)
			continue
		}
		s := jsonSnapshot{Type: snapType, ContentURL: a}
		if i < len(v.Media.ArchivedAt) && isAbsURL(v.Media.ArchivedAt[i]) {
			s.ArchivedAt = v.Media.ArchivedAt[i]
		}
		item.MediaItemAppearance = append(item.MediaItemAppearance, s)
	}
	if len(item.MediaItemAppearance) == 0 {
		return Markup{}, fmt.Errorf("build media review %q: no media appearance URL", v.ID)
	}
	mr := jsonMediaReview{
		Context: schemaContext, Type: "MediaReview", URL: v.URL, DatePublished: isoTime(v.Published), Author: author,
		MediaAuthenticityCategory: string(v.Media.Category), OriginalMediaContextDescription: v.Media.OriginalContext,
		ItemReviewed: item,
	}
	if isAbsURL(v.Media.OriginalURL) {
		mr.OriginalMediaLink = v.Media.OriginalURL
	}
	if v.Media.OriginalContext == "" && v.Media.Category != MediaOriginal {
		warn("no original media context: originalMediaContextDescription is recommended")
	}
	if m.MediaReview, err = json.Marshal(mr); err != nil {
		return Markup{}, fmt.Errorf("build media review %q: %w", v.ID, err)
	}
	return m, nil
}
