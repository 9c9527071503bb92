package bluesky

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Collection is the record collection of Bluesky posts.
const Collection = "app.bsky.feed.post"

// Event kinds and commit operations of Jetstream.
const (
	KindCommit   = "commit"
	KindIdentity = "identity"
	KindAccount  = "account"
	OpCreate     = "create"
	OpUpdate     = "update"
	OpDelete     = "delete"
)

// maxEventBytes bounds one Jetstream message; a post record is far smaller
// (its text is limited to 3000 bytes).
const maxEventBytes = 1 << 20

// ErrEventTooLarge is returned by DecodeEvent for a message over the cap.
var ErrEventTooLarge = errors.New("jetstream event too large")

// Event is one Jetstream v1 event.
type Event struct {
	// DID is the repository (author) the event is about.
	DID string `json:"did"`
	// TimeUS is Jetstream's cursor: microseconds since the Unix epoch.
	TimeUS int64 `json:"time_us"`
	// Kind is commit, identity or account.
	Kind string `json:"kind"`
	// Commit is set for kind commit.
	Commit *Commit `json:"commit,omitempty"`
	// Identity is set for kind identity.
	Identity *Identity `json:"identity,omitempty"`
}

// Commit is a record operation.
type Commit struct {
	Rev        string          `json:"rev"`
	Operation  string          `json:"operation"`
	Collection string          `json:"collection"`
	RKey       string          `json:"rkey"`
	Record     json.RawMessage `json:"record,omitempty"`
	CID        string          `json:"cid,omitempty"`
}

// Identity is an identity change; Handle is set when the DID has one.
type Identity struct {
	DID    string `json:"did"`
	Handle string `json:"handle,omitempty"`
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
}

// PostRecord is the subset of app.bsky.feed.post the client reads.
type PostRecord struct {
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs,omitempty"`
	Facets    []Facet  `json:"facets,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	Embed     *Embed   `json:"embed,omitempty"`
}

// Facet annotates a byte range of the text (UTF-8 offsets).
type Facet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []Feature `json:"features"`
}

// Feature is a link, a mention or a hashtag.
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	DID  string `json:"did,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

// Embed is the part of an embed the client reads: an external link card,
// possibly inside a record-with-media embed.
type Embed struct {
	Type     string `json:"$type"`
	External *struct {
		URI         string `json:"uri"`
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"external,omitempty"`
	Media *Embed `json:"media,omitempty"`
}

// Facet feature types.
const (
	FeatureLink    = "app.bsky.richtext.facet#link"
	FeatureMention = "app.bsky.richtext.facet#mention"
	FeatureTag     = "app.bsky.richtext.facet#tag"
)

// DecodeEvent parses one Jetstream message. It checks the envelope (a DID, a
// positive time_us, a known kind with its body) but not the record: use
// (Event).Post for that.
func DecodeEvent(data []byte) (Event, error) {
	if len(data) > maxEventBytes {
		return Event{}, fmt.Errorf("decode event of %d bytes: %w", len(data), ErrEventTooLarge)
	}
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	if !strings.HasPrefix(ev.DID, "did:") {
		return Event{}, fmt.Errorf("decode event: did %q: not a DID", ev.DID)
	}
	if ev.TimeUS <= 0 {
		return Event{}, fmt.Errorf("decode event: time_us %d: not positive", ev.TimeUS)
	}
	switch ev.Kind {
	case KindCommit:
		if ev.Commit == nil {
			return Event{}, fmt.Errorf("decode event: commit kind without commit")
		}
		switch ev.Commit.Operation {
		case OpCreate, OpUpdate, OpDelete:
		default:
			return Event{}, fmt.Errorf("decode event: operation %q: unknown", ev.Commit.Operation)
		}
		if ev.Commit.Collection == "" || ev.Commit.RKey == "" {
			return Event{}, fmt.Errorf("decode event: commit without collection or rkey")
		}
	case KindIdentity, KindAccount:
	default:
		// Future kinds are not errors; the client ignores them.
	}
	return ev, nil
}

// IsPost reports whether the event is a commit on a post record.
func (ev Event) IsPost() bool {
	return ev.Kind == KindCommit && ev.Commit != nil && ev.Commit.Collection == Collection
}

// PostURI returns the at:// URI of the event's record.
func (ev Event) PostURI() string {
	if ev.Commit == nil {
		return ""
	}
	return "at://" + ev.DID + "/" + ev.Commit.Collection + "/" + ev.Commit.RKey
}
