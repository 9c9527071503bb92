package claims

import "slices"

// SourceKind says what kind of source an item came from; its values are the
// items' subject tokens (vigie.items.<kind>.<source>).
type SourceKind string

// The source kinds.
const (
	// SourceFeed is an RSS, Atom, RDF or JSON Feed.
	SourceFeed SourceKind = "feed"
	// SourceMastodon is a Mastodon timeline or stream.
	SourceMastodon SourceKind = "mastodon"
	// SourceBluesky is the Bluesky Jetstream firehose.
	SourceBluesky SourceKind = "bluesky"
	// SourceTipline is a tip sent to the signed intake endpoint.
	SourceTipline SourceKind = "tipline"
	// SourceImport is a file imported by an operator.
	SourceImport SourceKind = "import"
)

// SourceKinds lists every source kind.
var SourceKinds = []SourceKind{SourceFeed, SourceMastodon, SourceBluesky, SourceTipline, SourceImport}

// Valid reports whether k is one of SourceKinds.
func (k SourceKind) Valid() bool { return slices.Contains(SourceKinds, k) }
