package social

import "time"

// Cursor is the opaque position of a source that a caller persists and hands
// back to resume without a gap. Its content depends on the client (a Mastodon
// status id, a Jetstream time_us); the empty Cursor means "start from now".
// It is an alias so that plain strings can be passed where a Cursor is expected.
type Cursor = string

// Post is one social-network post in the shape every client returns.
//
// ID is stable across fetches, reconnects and edits: the ActivityPub URI of a
// Mastodon status, the at:// URI of a Bluesky record. An edit yields a Post
// with the same ID and Edited set; a deletion yields a Post with Deleted set
// and only the identity fields filled.
type Post struct {
	// ID is the stable identity of the post (status URI or at:// URI).
	ID string `json:"id"`
	// SourceID is the id the source itself uses: the Mastodon status id on
	// the polled instance, or the record key of a Bluesky post.
	SourceID string `json:"source_id,omitempty"`
	// URL is the public web page of the post, when there is one.
	URL string `json:"url,omitempty"`
	// Author is the author's handle (Mastodon acct, or the Bluesky handle when
	// known, otherwise the DID).
	Author string `json:"author,omitempty"`
	// AuthorID is the author's stable id (Mastodon account URL, Bluesky DID).
	AuthorID string `json:"author_id,omitempty"`
	// Text is the plain text of the post, for matching.
	Text string `json:"text,omitempty"`
	// HTML is the post's content as sanitized HTML, safe to display.
	HTML string `json:"html,omitempty"`
	// Language is the BCP 47 tag declared by the post, if any.
	Language string `json:"language,omitempty"`
	// Created is when the post was published.
	Created time.Time `json:"created"`
	// Edited is when the post was last edited, nil if never.
	Edited *time.Time `json:"edited,omitempty"`
	// BoostOf is set when the post arrived as a boost (reblog, repost): the
	// content, author and ID are the original's, and BoostOf is the ID of the
	// boosting status. Use ID to deduplicate the content.
	BoostOf string `json:"boost_of,omitempty"`
	// BoostedBy is the handle of the account that boosted the post.
	BoostedBy string `json:"boosted_by,omitempty"`
	// Tags are the hashtags of the post, without '#', as the source lists them.
	Tags []string `json:"tags,omitempty"`
	// Links are the URLs the post links to (not mentions or hashtags).
	Links []string `json:"links,omitempty"`
	// Deleted marks a tombstone: the post with this ID (or SourceID) was deleted.
	Deleted bool `json:"deleted,omitempty"`
}
