// Package bluesky follows Bluesky posts through Jetstream, the JSON
// projection of the AT Protocol firehose, over a WebSocket
// (wantedCollections=app.bsky.feed.post), and returns them as social.Post
// values filtered by keyword, author DID and language.
//
// Each emitted post comes with a cursor (Jetstream's time_us) to persist;
// passing it back to Stream after a restart or a dropped connection resumes
// without a gap and without a duplicate. Jetstream replays its log from a
// cursor in time_us order, but live events can arrive slightly out of that
// order; the client therefore holds events for a short reorder window and
// emits them in time_us order, so that "everything up to the cursor has been
// emitted" stays true. An event arriving later than the window is still
// emitted once, but a crash in that instant could lose it on replay: the
// window (default 2s) trades latency for that margin.
package bluesky
