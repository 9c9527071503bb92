// Package feed parses RSS 0.9x/1.0 (RDF)/2.0, Atom and JSON Feed documents
// into entries ready for the claims pipeline.
//
// Parsing is two-stage, like gofeed's own: a bounded pre-scan first turns
// the raw bytes into clean UTF-8 XML (byte-order marks, declared, undeclared
// and wrongly declared encodings, leading whitespace before the XML
// declaration, gzip bodies served as XML), enforces the size, nesting-depth
// and entity caps (billion laughs, quadratic blowup and external entities
// are refused with ErrEntity, never expanded or fetched), rewrites HTML named
// entities to characters and closes a truncated document; gofeed then parses
// the result and a translator produces Feed and Entry values with
// bluemonday-sanitized HTML, plain text for matching, canonical links and a
// language taken from the item or the feed.
//
// ItemID gives an entry a stable id per source (for Nats-Msg-Id), and
// Discover finds the feeds an HTML page announces, for sources added by
// their site URL.
//
// The whole parse runs under a deadline (Limits.Timeout and the caller's
// context). Every failure is an error wrapping one of the sentinel errors
// below; ErrorKind names them for metrics.
package feed
