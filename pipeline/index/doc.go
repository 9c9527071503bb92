// Package index is Vigie's search index (the Backend contract and its two
// implementations) that the review queue, the API and the public pages
// query, whereas its look-alike services/indexer is the pipeline stage that
// writes the CLAIMS stream into it.
//
// The index is a projection of the CLAIMS log: it can be rebuilt by replay.
//
// One contract, [Backend], has two implementations:
//
//   - [Bleve], the embedded default (Bleve v2, BM25 scoring, one folder under
//     the data folder, explicit mapping built from [Settings]);
//   - [Meili], a Meilisearch server reached with meilisearch-go.
//
// Both accept the same [Query]: free text, a filter expression in Meilisearch's
// syntax (parsed once by [ParseFilter] into an AST and compiled per backend),
// facets, sort keys, offset/limit and highlighted snippets.
//
// Semantics shared by both backends (the contract suite in
// vigie/pipeline/index/indextest checks them):
//
//   - Documents are JSON-like maps with a string "id". What Get and Search
//     return is the document as its JSON encoding decodes: numbers are
//     float64, lists are []any, times are RFC 3339 strings, nested values
//     (stored-only fields such as "matches") come back unchanged.
//   - Text search matches documents containing every query word (Meilisearch
//     matchingStrategy "all"); only the first [MaxQueryWords] words count;
//     the last word also matches as a prefix; words of 5+ letters tolerate one
//     typo and 9+ letters two; matching ignores case and accents (é = e) and
//     Arabic diacritics and letter variants (أ = ا).
//   - Sort keys come first, relevance breaks ties.
//   - String equality in filters ignores case, as in Meilisearch; facet
//     values are reported as stored. String comparisons (>, <, TO) are
//     lexicographic on the lower-cased value (Meilisearch documents
//     comparisons for numbers only: keep them to numbers and times).
//   - Time fields are filtered and sorted as instants: a filter value is an
//     RFC 3339 time, a date (2006-01-02) or Unix seconds.
//   - Limit 0 means the default (20); a negative limit returns no hits but
//     the total and the facets.
//
// The index is rebuildable from the log: when the stored settings differ from
// the ones the program declares, EnsureSettings returns [ErrSchemaChanged] (if
// the index holds documents) and the caller rebuilds into a fresh index
// (another folder, or another Meilisearch index uid), then puts it in
// service with [SwapBleveDirs] (both Bleve indexes closed) or [SwapMeili].
//
// Backend specifics:
//
//   - Bleve stores each document's JSON in one stored-only field and indexes
//     only declared fields, plus small helper fields: "_l_" lower-cased copies
//     for filters, "_k_" exact copies for sorting and facets of text,
//     numbers and times, "_t_" analysed copies of searchable keyword fields,
//     and "_exists"/"_null"/"_empty" field-name lists for EXISTS, IS NULL and
//     IS EMPTY. Text is analysed by Unicode word segmentation, lower-casing,
//     Arabic normalisation and diacritic folding (see foldFilter), splitting
//     at apostrophes as Meilisearch does.
//   - Meilisearch filters and sorts time fields through a numeric shadow
//     attribute "_ts_<field>" (Unix seconds) that the backend adds on write
//     and strips on read, as Meilisearch's documentation advises for dates.
//     The settings in force are recorded in the companion index
//     "<uid>__vigie_meta". The API key is only sent as a Bearer header: never
//     logged, never in errors; a 503 (too_many_search_requests) or 429 is
//     retried after its Retry-After delay. If a browser must ever search
//     Meilisearch directly, give it only an expiring tenant token signed with
//     a search key ([Meili.TenantToken]).
//
// Errors: Search wraps [ErrInvalidQuery] for anything the caller got wrong
// (a *[FilterError] names the column of a filter error); Upsert wraps
// [ErrInvalidDocument] and writes nothing when one document is invalid; Get
// wraps [ErrNotFound].
//
// [Faulty] wraps any backend for tests and fails the next N writes.
package index
