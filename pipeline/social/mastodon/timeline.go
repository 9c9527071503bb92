package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"go.uber.org/zap"

	"vigie/pipeline/social"
)

// Kind names a timeline.
type Kind string

// The timelines a TimelineSpec can name.
const (
	// KindPublic is the federated (or, with Local, the local) timeline.
	KindPublic Kind = "public"
	// KindHashtag is the timeline of one hashtag (Tag).
	KindHashtag Kind = "hashtag"
	// KindList is the timeline of one list (ListID); it needs a token.
	KindList Kind = "list"
	// KindAccount is the statuses of one account (AccountID); it has no stream.
	KindAccount Kind = "account"
	// KindHome is the home timeline of the token's user ("user" stream).
	KindHome Kind = "home"
)

// TimelineSpec names a timeline and its filters.
type TimelineSpec struct {
	// Kind is the timeline.
	Kind Kind
	// Tag is the hashtag, without '#', for KindHashtag.
	Tag string
	// ListID is the list id for KindList.
	ListID string
	// AccountID is the account id (on the polled server) for KindAccount.
	AccountID string
	// Acct is the account's handle (user or user@host) for KindAccount
	// when AccountID is not known; the client looks the id up once.
	Acct string
	// Local keeps only statuses of the server's own users (public, hashtag).
	Local bool
	// Remote keeps only statuses of other servers (public).
	Remote bool
	// OnlyMedia keeps only statuses with media attachments.
	OnlyMedia bool
	// ExcludeReplies and ExcludeReblogs filter an account's statuses.
	ExcludeReplies, ExcludeReblogs bool
}

// StreamSpec names the stream to follow; it is the TimelineSpec of the REST
// timeline used to catch up after a reconnect. KindAccount has no stream.
type StreamSpec = TimelineSpec

// restPath returns the REST path and query of the timeline.
func (s TimelineSpec) restPath() (string, url.Values, error) {
	q := url.Values{}
	setBool := func(k string, v bool) {
		if v {
			q.Set(k, "true")
		}
	}
	switch s.Kind {
	case KindPublic:
		setBool("local", s.Local)
		setBool("remote", s.Remote)
		setBool("only_media", s.OnlyMedia)
		return "/api/v1/timelines/public", q, nil
	case KindHashtag:
		if s.Tag == "" {
			return "", nil, fmt.Errorf("hashtag timeline: empty tag")
		}
		setBool("local", s.Local)
		setBool("only_media", s.OnlyMedia)
		return "/api/v1/timelines/tag/" + url.PathEscape(s.Tag), q, nil
	case KindList:
		if s.ListID == "" {
			return "", nil, fmt.Errorf("list timeline: empty list id")
		}
		return "/api/v1/timelines/list/" + url.PathEscape(s.ListID), q, nil
	case KindAccount:
		if s.AccountID == "" {
			return "", nil, fmt.Errorf("account timeline: no account id (or acct to look up)")
		}
		setBool("only_media", s.OnlyMedia)
		setBool("exclude_replies", s.ExcludeReplies)
		setBool("exclude_reblogs", s.ExcludeReblogs)
		return "/api/v1/accounts/" + url.PathEscape(s.AccountID) + "/statuses", q, nil
	case KindHome:
		return "/api/v1/timelines/home", q, nil
	}
	return "", nil, fmt.Errorf("timeline kind %q: unknown", s.Kind)
}

// streamPath returns the streaming path and query of the timeline.
func (s TimelineSpec) streamPath() (string, url.Values, error) {
	q := url.Values{}
	if s.OnlyMedia && s.Kind == KindPublic {
		q.Set("only_media", "true")
	}
	switch s.Kind {
	case KindPublic:
		switch {
		case s.Local:
			return "/api/v1/streaming/public/local", q, nil
		case s.Remote:
			return "/api/v1/streaming/public/remote", q, nil
		}
		return "/api/v1/streaming/public", q, nil
	case KindHashtag:
		if s.Tag == "" {
			return "", nil, fmt.Errorf("hashtag stream: empty tag")
		}
		q.Set("tag", s.Tag)
		if s.Local {
			return "/api/v1/streaming/hashtag/local", q, nil
		}
		return "/api/v1/streaming/hashtag", q, nil
	case KindList:
		if s.ListID == "" {
			return "", nil, fmt.Errorf("list stream: empty list id")
		}
		q.Set("list", s.ListID)
		return "/api/v1/streaming/list", q, nil
	case KindHome:
		return "/api/v1/streaming/user", q, nil
	case KindAccount:
		return "", nil, fmt.Errorf("account timeline: no stream, poll it with Timeline")
	}
	return "", nil, fmt.Errorf("stream kind %q: unknown", s.Kind)
}

// Timeline returns the statuses of the timeline newer than sinceID, oldest
// first, and the cursor to pass to the next call. It pages forward with
// min_id, so that statuses are neither skipped between pages nor repeated
// across calls; it reads at most the client's page budget (WithMaxPages) and
// the returned cursor continues where it stopped.
//
// An empty sinceID returns the newest page only (no backfill) and the cursor
// from which to follow. On error, the posts read before it are returned with
// the cursor that covers exactly them, so a caller can keep them.
func (c *Client) Timeline(ctx context.Context, spec TimelineSpec, sinceID string) ([]social.Post, string, error) {
	var posts []social.Post
	cursor, err := c.pageForward(ctx, spec, sinceID, c.maxPages, func(s status, cur string) error {
		posts = append(posts, s.toPost())
		return nil
	})
	return posts, cursor, err
}

// pageForward reads the timeline after cursor, oldest first, calling fn for
// each status with the cursor that includes it. maxPages <= 0 reads until the
// timeline is exhausted.
func (c *Client) pageForward(ctx context.Context, spec TimelineSpec, cursor string, maxPages int,
	fn func(s status, cursor string) error) (string, error) {
	if spec.Kind == KindAccount && spec.AccountID == "" && spec.Acct != "" {
		id, err := c.accountID(ctx, spec)
		if err != nil {
			return cursor, fmt.Errorf("timeline: %w", err)
		}
		spec.AccountID = id
	}
	path, q, err := spec.restPath()
	if err != nil {
		return cursor, fmt.Errorf("timeline: %w", err)
	}
	q.Set("limit", strconv.Itoa(c.pageLimit))
	for page := 0; maxPages <= 0 || page < maxPages; page++ {
		if cursor != "" {
			q.Set("min_id", cursor)
		}
		statuses, err := c.fetchPage(ctx, path, q)
		if err != nil {
			return cursor, fmt.Errorf("timeline %s: %w", spec.Kind, err)
		}
		n := len(statuses)
		if cursor != "" {
			statuses = slices.DeleteFunc(statuses, func(s status) bool { return compareIDs(s.ID, cursor) <= 0 })
		}
		slices.SortFunc(statuses, func(a, b status) int { return compareIDs(a.ID, b.ID) })
		statuses = slices.CompactFunc(statuses, func(a, b status) bool { return a.ID == b.ID })
		for _, s := range statuses {
			next := maxID(cursor, s.ID)
			if err := fn(s, next); err != nil {
				return cursor, err
			}
			cursor = next
		}
		// An empty cursor means "newest page only"; a short page means caught up.
		if page == 0 && q.Get("min_id") == "" || len(statuses) == 0 || n < c.pageLimit {
			break
		}
	}
	return cursor, nil
}

func (c *Client) fetchPage(ctx context.Context, path string, q url.Values) ([]status, error) {
	body, err := c.get(ctx, path, q)
	if err != nil {
		return nil, err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("decode page: %w", err)
	}
	out := make([]status, 0, len(raw))
	for i, r := range raw {
		s, err := decodeStatus(r)
		if err != nil {
			c.log.Warn("status skipped", zap.Int("index", i), zap.Error(err))
			continue
		}
		out = append(out, s)
	}
	return out, nil
}
