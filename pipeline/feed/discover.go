package feed

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"vigie/pipeline/link"
)

// feedMIMETypes are the link types that announce a feed.
var feedMIMETypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      true,
	"application/rdf+xml":   true,
	"text/xml":              true,
	"application/xml":       true,
}

// Discover returns the feeds an HTML page announces with
// <link rel="alternate" type="application/rss+xml" href="…"> (and the Atom,
// RDF and JSON Feed equivalents), resolved against pageURL and
// canonicalised, in page order without duplicates. It reads at most the
// page's <head> (or the first 1 MiB) and is meant for a source added by its
// site URL, after Parse returned ErrUnknownFormat.
func Discover(page []byte, pageURL string) []string {
	if len(page) > 1<<20 {
		page = page[:1<<20]
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	var out []string
	seen := map[string]bool{}
	base := pageURL
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.EndTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == atom.Head {
				return out
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Body {
				return out
			}
			if !hasAttr || (a != atom.Link && a != atom.Base) {
				continue
			}
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				attrs[string(k)] = strings.TrimSpace(string(v))
				if !more {
					break
				}
			}
			if a == atom.Base {
				if attrs["href"] != "" {
					if b, err := link.Resolve(pageURL, attrs["href"]); err == nil {
						base = b
					}
				}
				continue
			}
			rels := strings.Fields(strings.ToLower(attrs["rel"]))
			typ, _, _ := strings.Cut(strings.ToLower(attrs["type"]), ";")
			if !contains(rels, "alternate") || !feedMIMETypes[strings.TrimSpace(typ)] || attrs["href"] == "" {
				continue
			}
			u, err := link.Resolve(base, attrs["href"])
			if err != nil || seen[u] {
				continue
			}
			seen[u] = true
			out = append(out, u)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
