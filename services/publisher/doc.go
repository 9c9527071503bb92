// Package publisher is the public web service of published verdicts, whereas
// the formats it serves are written by its look-alike pipeline/publish.
//
// It serves the verdict pages at a stable URL, with their ClaimReview (and,
// for an image or a video, MediaReview) JSON-LD; the list of verdicts; the
// public feeds in Atom, RSS 2.0 and JSON Feed 1.1; the public JSON API
// (/api/v1/verdicts/public); and the short links /v/{id}. Routes declares
// them, all public.
//
// It reads verdicts through VerdictSource, which *review.Workflow
// satisfies, and shows only published versions: a draft or a verdict
// awaiting approval is a 404, a retracted verdict stays online with its
// retraction shown. Pages are rendered on the server with html/template
// (every field editors wrote is escaped; links are kept only when they are
// absolute http(s) URLs), in the verdict's language among en, fr, pt, es,
// sv and ar (right to left), English otherwise.
//
// Feeds are filtered by ?locality=, ?language= and ?rating= (repeatable or
// comma-separated), carry ETag and Last-Modified and answer conditional
// requests with 304. The verdict list is read at most once per
// Options.CacheTTL, and a feed rendered for a format and filter is reused
// within it; a publication shows within that delay (pages of one verdict
// are read afresh on every request).
//
// The verdict record holds neither when the claim was first made nor the
// image or video it concerns; Options.Details adds them. IndexDetails
// takes the claim date from the search index; DetectMedia recognises
// media among the appearances. A retracted verdict's page keeps its text
// and shows the retraction, but drops its ClaimReview so that search
// engines stop showing the withdrawn rating.
package publisher
