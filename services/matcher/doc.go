// Package matcher is the pipeline stage that runs the claims engine on every
// item, whereas the matching algorithm itself is its look-alike claims/match.
//
// It consumes ITEMS on the shared durable consumer "matcher", runs the
// claims engine on each item and publishes one CLAIMS message per item
// (vigie.claims.<lang>, Nats-Msg-Id = item id). An undecodable item is a
// poison message: it goes to vigie.dlq.matcher.
package matcher
