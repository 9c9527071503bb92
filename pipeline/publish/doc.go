// Package publish encodes published verdicts in their public formats and
// serves nothing, whereas its look-alike services/publisher is the web
// service that serves what this package writes.
//
// It writes ClaimReview (and MediaReview) JSON-LD for the verdict page, and
// feeds of verdicts in Atom 1.0 (RFC 4287), RSS 2.0 and JSON Feed 1.1, with
// the ETag and Last-Modified validators for conditional requests.
//
// Verdict is this package's own input type; the publisher service converts
// the domain or protobuf verdict into it. Ratings use Vigie's normalised
// scale (false … true, unproven, satire_other, unknown).
//
// The three feed encoders are written with encoding/xml and encoding/json
// rather than github.com/gorilla/feeds, which does not fit: its Atom
// category is element text where RFC 4287 requires a term attribute (the
// result fails the RELAX NG schema), an entry holds one category only, and
// neither xml:lang nor JSON Feed extensions can be set.
package publish
