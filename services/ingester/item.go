package ingester

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/feed"
	"vigie/pipeline/source"
)

// ItemID is the stable id of an entry of a source: a hash of the source id
// and the entry's guid, or of its canonical link when it has no guid.
func ItemID(sourceID, guid, link string) string {
	key := strings.TrimSpace(guid)
	if key == "" {
		key = "link:" + strings.TrimSpace(link)
	}
	h := sha256.Sum256([]byte(sourceID + "\x00" + key))
	return hex.EncodeToString(h[:16])
}

// toItem maps a feed entry of src to an item; ok is false for an entry
// with nothing to identify it (no guid, no link, no title and no text).
func toItem(src source.Source, f *feed.Feed, e feed.Entry, fetched time.Time) (claims.Item, bool) {
	if e.GUID == "" && e.Link == "" {
		if e.Title == "" && e.Text == "" {
			return claims.Item{}, false
		}
		// Last resort: the content identifies the entry.
		e.GUID = "content:" + e.Title + "\x00" + e.Text
	}
	lang := e.Language
	if lang == "" && f != nil {
		lang = f.Language
	}
	if lang == "" {
		lang = src.Language
	}
	return claims.Item{
		ID:         ItemID(src.ID, e.GUID, e.Link),
		SourceID:   src.ID,
		SourceName: src.Name,
		Kind:       claims.SourceFeed,
		URL:        e.Link,
		Title:      e.Title,
		Text:       e.Text,
		HTML:       e.ContentHTML,
		Language:   normalizeLang(lang),
		Localities: append([]string(nil), src.Localities...),
		Published:  e.Published,
		Fetched:    fetched,
		GUID:       e.GUID,
		Authors:    e.Authors,
	}, true
}

// normalizeLang keeps the primary subtag of a language tag, lower case:
// "pt-BR" → "pt"; "" when l is not a language tag (claims.ParseLanguage).
func normalizeLang(l string) string { return claims.LanguageBase(l) }

// kindToken is the subject token of an item's source kind.
func kindToken(it claims.Item) string {
	if it.Kind.Valid() {
		return string(it.Kind)
	}
	return "other"
}

// hostOf returns the host of a URL, or the URL itself when it has none.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}
