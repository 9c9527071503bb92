package feed

import "time"

// Feed is a parsed feed: its channel-level data and its entries in
// document order.
type Feed struct {
	// Title is the feed's title as plain text.
	Title string
	// Link is the canonical URL of the site the feed belongs to.
	Link string
	// Language is the feed's BCP 47 language tag, "" if absent or invalid.
	Language string
	// TTL is the RSS <ttl>: how long the feed may be cached (zero if absent).
	TTL time.Duration
	// Format is "rss", "atom" or "json"; Encoding the character encoding the
	// body was decoded from ("utf-8", "windows-1251", …).
	Format, Encoding string
	// Entries are the feed's items in document order.
	Entries []Entry
}

// Entry is one item of a feed.
type Entry struct {
	// GUID is the item's id as the feed gives it; if absent, its canonical
	// link; if neither, a hash of its title, date and text.
	GUID string
	// Link is the item's canonical URL, resolved against the feed URL, or ""
	// when the item has no usable http(s) link.
	Link string
	// Title is the title as plain text.
	Title string
	// ContentHTML is the item's content (or summary) sanitized for display:
	// no script, no event handler, no javascript: URL.
	ContentHTML string
	// Text is ContentHTML as plain text, for matching.
	Text string
	// Language is the BCP 47 tag from the item, else the feed, else "".
	Language string
	// Published is the publication (else update) time in UTC; zero if the
	// feed gives none or an unparseable one.
	Published time.Time
	// Authors are the item's author names (or e-mail addresses when no name
	// is given), without duplicates.
	Authors []string
	// Categories are the item's categories or tags.
	Categories []string
}
