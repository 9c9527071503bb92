// Package social holds what the social-network sources share: the Post every
// client returns, the opaque Cursor a caller persists to resume a source, HTML
// sanitisation for display, and the clock and backoff the clients use to wait.
//
// The clients live in sub-packages: social/mastodon (REST timelines and the
// streaming API) and social/bluesky (Jetstream). Neither knows about NATS; the
// ingester publishes what they return and stores the cursor they hand back.
// social/socialtest holds the contract every client's Post must meet.
package social
