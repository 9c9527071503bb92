// Package opml imports and exports source lists as OPML.
//
// Parse reads OPML 1.0, 1.1 and 2.0 strictly: a document that is not
// well-formed XML (a raw '&' in an attribute, say), lacks the opml version,
// head or body, puts outlines outside the body, has an outline with neither
// text nor title, an RFC 822 date that is not one, an isComment or
// isBreakpoint that is not "true" or "false", or a subscription whose
// xmlUrl is not an http(s) URL, fails as a whole with an error naming the
// line: nothing is imported half-way. Nested folders are flattened into
// each subscription's Category. Localities are read from a "localities"
// attribute in any namespace (Write uses vigie:localities).
//
// Write produces OPML 2.0 that Parse reads back unchanged.
package opml
