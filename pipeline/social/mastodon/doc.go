// Package mastodon is a client for the Mastodon API that returns social.Post
// values: REST timelines (public, hashtag, list, account, home) paged with
// min_id so that successive calls have no gap and no duplicate, and the
// streaming API (server-sent events) with reconnection and a REST catch-up
// from the last seen status id.
//
// The client honours X-RateLimit-Remaining/X-RateLimit-Reset before each
// request and 429 with Retry-After, caps every response body, and turns
// status HTML into sanitized HTML and plain text. Boosts are mapped to the
// boosted status (Post.BoostOf names the boost); edits yield a Post with the
// same ID and Edited set; deletions yield a tombstone Post.
//
// Known limit of the Mastodon API itself: a remote status gets an id derived
// from its publication time, so a status that federates late can get an id
// below a cursor already stored. The live stream delivers such statuses (the
// client deduplicates by id, not by order), but a REST catch-up after a
// restart cannot see them.
package mastodon
