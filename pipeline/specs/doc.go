// Package specs holds copies of the standards Vigie's outputs must meet, as
// files tests can use offline: the OASIS CAP 1.2 XSD and its examples, the
// Atom (RFC 4287) RELAX NG schema with W3C Feed Validator cases, the JSON
// Feed 1.1 schema, the schema.org fact-check terms and examples, the
// Standard Webhooks signature vectors and the W3C Feed Validator OPML cases.
//
// Each folder carries a SOURCE.txt (origin, commit, licence) and the licence
// files its origin requires. The files are copied from the project's shared
// folder, only those a test reads; Path gives their location on disk (the
// XML schemas are handed to xmllint by name). The package has no runtime use.
package specs
