package index

import "context"

// MaxQueryWords is how many words of Query.Text count, as in Meilisearch.
const MaxQueryWords = 10

// DefaultLimit is the number of hits returned when Query.Limit is 0.
const DefaultLimit = 20

// MaxFacetValues is the most values returned per facet (Meilisearch's
// default maxValuesPerFacet).
const MaxFacetValues = 100

// Query is one search.
type Query struct {
	// Text is the free-text query; empty matches every document.
	Text string
	// Filter is a filter expression in Meilisearch's syntax (see ParseFilter).
	Filter string
	// Facets names the facetable fields to count values of.
	Facets []string
	// Sort lists sort keys "field:asc" or "field:desc", most significant first.
	Sort []string
	// Offset skips hits; Limit caps them (0 = DefaultLimit, <0 = none).
	Offset, Limit int
	// Highlight names searchable fields to return highlighted snippets of.
	Highlight []string
}

// Hit is one matching document.
type Hit struct {
	ID  string
	Doc Document
	// Score is the backend's relevance score (only comparable within one result).
	Score float64
	// Highlights maps a field to an HTML-escaped snippet in which the matched
	// words are wrapped in <mark>…</mark>.
	Highlights map[string]string
}

// Result is a page of hits with the total number of matching documents and
// the facet counts over all of them.
type Result struct {
	Total  int
	Hits   []Hit
	Facets map[string]map[string]int
}

// Backend is a search index.
type Backend interface {
	// EnsureSettings applies the settings idempotently. If the index holds
	// documents built under other settings it returns ErrSchemaChanged.
	EnsureSettings(ctx context.Context, s Settings) error
	// Upsert adds or replaces documents by id; it returns once they are
	// searchable.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes documents by id; unknown ids are ignored.
	Delete(ctx context.Context, ids []string) error
	// Get returns one document or ErrNotFound.
	Get(ctx context.Context, id string) (Document, error)
	// Count returns the number of documents.
	Count(ctx context.Context) (int, error)
	// Search runs a query.
	Search(ctx context.Context, q Query) (Result, error)
	// Close releases the index.
	Close() error
}

// limit returns the effective number of hits to return.
func (q Query) limit() int {
	switch {
	case q.Limit == 0:
		return DefaultLimit
	case q.Limit < 0:
		return 0
	}
	return q.Limit
}
