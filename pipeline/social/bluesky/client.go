package bluesky

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"

	"vigie/pipeline/retry"
	"vigie/pipeline/social"
)

// DefaultURL is a public Jetstream instance run by Bluesky.
const DefaultURL = "wss://jetstream2.us-east.bsky.network/subscribe"

// Defaults of Config.
const (
	DefaultReorderWindow = 2 * time.Second
	DefaultIdleTimeout   = 60 * time.Second
	maxWantedDIDs        = 10000
	recentKeys           = 1 << 14
	handleCache          = 1 << 14
	emittedIDs           = 1 << 16
	dialTimeout          = 30 * time.Second
	maxHeld              = 1 << 13
)

// Config configures a Client. Only URL is required.
type Config struct {
	// URL is the Jetstream subscribe endpoint (ws:// or wss://).
	URL string
	// Filter selects the posts to emit.
	Filter Filter
	// HTTPClient dials the WebSocket (transport policy, SSRF guard); nil
	// uses http.DefaultClient.
	HTTPClient *http.Client
	// Logger logs reconnections and skipped events; nil logs nothing.
	Logger *zap.Logger
	// Clock is used for the reconnect backoff; nil is the system clock.
	Clock social.Clock
	// Backoff spaces reconnections; its zero fields come from
	// social.DefaultBackoff.
	Backoff retry.Backoff
	// ReorderWindow is how long an event is held to be emitted in time_us
	// order (default 2s). Events arriving later than this behind a newer
	// one are still emitted, out of order.
	ReorderWindow time.Duration
	// IdleTimeout: a connection silent this long is dropped and reopened
	// (default 60s; the firehose is never silent that long).
	IdleTimeout time.Duration
	// MaxMessageBytes caps one message (default 1 MiB).
	MaxMessageBytes int64
}

// Client follows Jetstream. It holds no connection between Stream calls and
// is safe for concurrent use by several Stream calls.
type Client struct {
	cfg   Config
	base  *url.URL
	match *matcher
	log   *zap.Logger
}

// NewClient checks cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("new jetstream client: parse url: %w", err)
	}
	switch u.Scheme {
	case "ws", "wss", "http", "https":
	default:
		return nil, fmt.Errorf("new jetstream client: url %q: want ws(s)://host/subscribe", cfg.URL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("new jetstream client: url %q: no host", cfg.URL)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Clock == nil {
		cfg.Clock = social.SystemClock{}
	}
	cfg.Backoff = cfg.Backoff.Or(social.DefaultBackoff)
	if cfg.ReorderWindow <= 0 {
		cfg.ReorderWindow = DefaultReorderWindow
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = maxEventBytes
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Client{cfg: cfg, base: u, match: cfg.Filter.compile(), log: log}, nil
}

// ParseCursor reads a cursor returned by Stream ("" is 0: start from now).
func ParseCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("parse cursor %q: not a time_us", cursor)
	}
	return n, nil
}

// subscribeURL builds the subscribe URL for a resume from cursor.
func (c *Client) subscribeURL(cursor int64) string {
	u := *c.base
	q := u.Query()
	q.Set("wantedCollections", Collection)
	q.Del("wantedDids")
	if n := len(c.cfg.Filter.DIDs); n > 0 && n <= maxWantedDIDs {
		for _, d := range c.cfg.Filter.DIDs {
			q.Add("wantedDids", d)
		}
	}
	q.Del("cursor")
	if cursor > 0 {
		q.Set("cursor", strconv.FormatInt(cursor, 10))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// PermanentError is a refusal that reconnecting cannot cure (a 4xx other
// than 408 and 429 on the WebSocket upgrade).
type PermanentError struct {
	// StatusCode is the HTTP status of the refused upgrade.
	StatusCode int
}

// Error describes the refusal.
func (e *PermanentError) Error() string {
	return fmt.Sprintf("jetstream refused the subscription with status %d", e.StatusCode)
}

// Stream connects to Jetstream from cursor ("" starts from now), and calls
// emit for each wanted post, with the cursor to persist once the post is
// handled. It reconnects with backoff when the connection drops or stays
// silent, resuming from the last emitted cursor, and returns only when ctx
// ends (ctx's error), when emit fails (its error), or on a permanent refusal.
//
// Creates give new posts, updates the same ID with Edited set, deletes a
// tombstone. A deletion passes the DID filter; when keywords or languages
// filter the posts (and no DID list is set), only the deletions of posts this
// Stream emitted (the last 65,536) are emitted.
func (c *Client) Stream(ctx context.Context, cursor string, emit func(social.Post, string) error) error {
	start, err := ParseCursor(cursor)
	if err != nil {
		return fmt.Errorf("jetstream stream: %w", err)
	}
	st := &streamState{
		c:        c,
		cursor:   start,
		boundary: start,
		emit:     emit,
		recent:   newKeySet(recentKeys),
		handles:  newKeySet(handleCache),
		emitted:  newKeySet(emittedIDs),
	}
	for attempt := 0; ; {
		progressed, err := c.connect(ctx, st)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ee *emitError
		if errors.As(err, &ee) {
			return ee.err
		}
		var pe *PermanentError
		if errors.As(err, &pe) {
			return fmt.Errorf("jetstream stream: %w", err)
		}
		if progressed {
			attempt = 0
		}
		wait := c.cfg.Backoff.Delay(attempt + 1)
		attempt++
		c.log.Warn("jetstream disconnected; reconnecting", zap.Duration("wait", wait),
			zap.Int64("cursor", st.cursor), zap.Error(err))
		if err := c.cfg.Clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }
func (e *emitError) Unwrap() error { return e.err }

var errIdle = errors.New("jetstream connection silent")

// connect runs one connection until it fails; progressed reports that at
// least one message was received, which resets the backoff.
func (c *Client) connect(ctx context.Context, st *streamState) (progressed bool, err error) {
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	dialCtx, dialCancel := context.WithTimeout(connCtx, dialTimeout)
	conn, resp, err := websocket.Dial(dialCtx, c.subscribeURL(st.cursor), &websocket.DialOptions{HTTPClient: c.cfg.HTTPClient})
	dialCancel()
	if err != nil {
		if resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500 &&
			resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
			return false, &PermanentError{StatusCode: resp.StatusCode}
		}
		return false, fmt.Errorf("dial jetstream: %w", err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(c.cfg.MaxMessageBytes)

	msgs := make(chan []byte, 256)
	readErr := make(chan error, 1)
	go func() {
		defer close(msgs)
		for {
			typ, data, err := conn.Read(connCtx)
			if err != nil {
				readErr <- err
				return
			}
			if typ != websocket.MessageText {
				continue
			}
			select {
			case msgs <- data:
			case <-connCtx.Done():
				readErr <- connCtx.Err()
				return
			}
		}
	}()

	// Whatever is still held when the connection ends was not emitted: the
	// replay from the cursor delivers it again.
	defer st.dropHeld()
	idle := time.NewTimer(c.cfg.IdleTimeout)
	defer idle.Stop()
	flush := time.NewTimer(time.Hour)
	flush.Stop()
	defer flush.Stop()
	for {
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case data, ok := <-msgs:
			if !ok {
				err := <-readErr
				if websocket.CloseStatus(err) == websocket.StatusNormalClosure {
					err = errors.New("jetstream closed the connection")
				}
				return progressed, err
			}
			progressed = true
			idle.Reset(c.cfg.IdleTimeout)
			wasEmpty := len(st.held) == 0
			st.receive(data, time.Now())
			if wasEmpty && len(st.held) > 0 {
				flush.Reset(c.cfg.ReorderWindow)
			}
			if err := st.firstErr(); err != nil {
				return progressed, err
			}
		case now := <-flush.C:
			st.release(now.Add(-c.cfg.ReorderWindow))
			if err := st.firstErr(); err != nil {
				return progressed, err
			}
			if len(st.held) > 0 {
				flush.Reset(max(st.nextRelease(c.cfg.ReorderWindow).Sub(now), time.Millisecond))
			}
		case <-idle.C:
			return progressed, errIdle
		}
	}
}

// streamState is what survives reconnections within one Stream call.
type streamState struct {
	c        *Client
	cursor   int64       // every event with time_us <= cursor has been emitted or dropped
	boundary int64       // the caller's cursor: an event at exactly this time was emitted before
	held     []heldEvent // sorted by time_us
	heldKeys map[string]bool
	maxSeen  int64   // newest time_us received
	recent   *keySet // keys of events released lately
	handles  *keySet // did → handle
	emitted  *keySet // IDs of the posts emitted lately, for their deletion
	emit     func(social.Post, string) error
	err      error
}

type heldEvent struct {
	ev      Event
	key     string
	arrived time.Time
}

func eventKey(ev Event) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(ev.TimeUS, 10))
	b.WriteByte('|')
	b.WriteString(ev.DID)
	b.WriteByte('|')
	b.WriteString(ev.Kind)
	if ev.Commit != nil {
		b.WriteByte('|')
		b.WriteString(ev.Commit.Collection + "/" + ev.Commit.RKey + "|" + ev.Commit.Operation + "|" + ev.Commit.Rev)
	}
	return b.String()
}

func (st *streamState) firstErr() error { return st.err }

func (st *streamState) dropHeld() {
	if st.cursor == 0 && len(st.held) > 0 {
		// Started "from now" and nothing released yet: resume from the
		// oldest event received, so that the replay brings it back.
		st.cursor = st.held[0].ev.TimeUS - 1
	}
	st.held = st.held[:0]
	st.heldKeys = nil
}

// receive decodes one message and holds it, or emits it at once when it is
// a late event (older than the cursor, never seen).
func (st *streamState) receive(data []byte, now time.Time) {
	ev, err := DecodeEvent(data)
	if err != nil {
		st.c.log.Warn("jetstream event skipped", zap.Error(err))
		return
	}
	key := eventKey(ev)
	if st.recent.has(key) || st.heldKeys[key] || (st.boundary > 0 && ev.TimeUS == st.boundary) {
		return // a replay of what was already emitted
	}
	if ev.TimeUS <= st.cursor {
		// Arrived after newer events were released: emit it now, the
		// cursor stays (it already covers it for a replay).
		st.handle(ev, key)
		return
	}
	if st.heldKeys == nil {
		st.heldKeys = map[string]bool{}
	}
	st.heldKeys[key] = true
	i, _ := slices.BinarySearchFunc(st.held, ev.TimeUS, func(h heldEvent, t int64) int {
		switch {
		case h.ev.TimeUS < t:
			return -1
		case h.ev.TimeUS > t:
			return 1
		}
		return 0
	})
	st.held = slices.Insert(st.held, i, heldEvent{ev: ev, key: key, arrived: now})
	// Event-time watermark: what is a whole window older than the newest
	// event can go now (this drains a fast replay without waiting), and
	// the buffer never grows beyond maxHeld.
	st.maxSeen = max(st.maxSeen, ev.TimeUS)
	upTo := st.maxSeen - st.c.cfg.ReorderWindow.Microseconds()
	if extra := len(st.held) - maxHeld; extra > 0 {
		upTo = max(upTo, st.held[extra-1].ev.TimeUS)
	}
	st.releaseUpTo(upTo)
}

// nextRelease is when the earliest-arrived held event is due.
func (st *streamState) nextRelease(window time.Duration) time.Time {
	first := st.held[0].arrived
	for _, h := range st.held[1:] {
		if h.arrived.Before(first) {
			first = h.arrived
		}
	}
	return first.Add(window)
}

// release emits, in time_us order, every held event that arrived at or
// before cutoff together with the held events older than it.
func (st *streamState) release(cutoff time.Time) {
	upTo := int64(-1)
	for _, h := range st.held {
		if !h.arrived.After(cutoff) {
			upTo = max(upTo, h.ev.TimeUS)
		}
	}
	st.releaseUpTo(upTo)
}

// releaseUpTo emits the held events with time_us <= upTo, in order.
func (st *streamState) releaseUpTo(upTo int64) {
	n := 0
	for n < len(st.held) && st.held[n].ev.TimeUS <= upTo {
		h := st.held[n]
		delete(st.heldKeys, h.key)
		st.cursor = max(st.cursor, h.ev.TimeUS)
		st.handle(h.ev, h.key)
		n++
		if st.err != nil {
			break
		}
	}
	st.held = slices.Delete(st.held, 0, n)
}

// handle emits one released event if it is a wanted post.
func (st *streamState) handle(ev Event, key string) {
	if st.err != nil {
		return
	}
	st.recent.put(key, "")
	switch {
	case ev.Kind == KindIdentity && ev.Identity != nil && ev.Identity.Handle != "":
		st.handles.put(ev.DID, ev.Identity.Handle)
		return
	case !ev.IsPost():
		return
	}
	p, langs, err := ev.post(st.handles.get(ev.DID))
	if err != nil {
		st.c.log.Warn("jetstream post skipped", zap.String("post_uri", ev.PostURI()), zap.Error(err))
		return
	}
	m := st.c.match
	if p.Deleted {
		// Without a content filter every deletion of a followed author is
		// wanted; with one, only those of posts this stream emitted (the
		// others would be noise from the whole network).
		if !m.author(ev.DID) || (m.hasContentFilter() && m.dids == nil && !st.emitted.has(p.ID)) {
			return
		}
	} else if !m.post(p, langs) {
		return
	} else {
		st.emitted.put(p.ID, "")
	}
	if err := st.emit(p, strconv.FormatInt(st.cursor, 10)); err != nil {
		st.err = &emitError{err: err}
	}
}

// keySet is a bounded map with FIFO eviction.
type keySet struct {
	max   int
	order []string
	vals  map[string]string
}

func newKeySet(n int) *keySet { return &keySet{max: n, vals: make(map[string]string)} }

func (s *keySet) has(k string) bool   { _, ok := s.vals[k]; return ok }
func (s *keySet) get(k string) string { return s.vals[k] }

func (s *keySet) put(k, v string) {
	if _, ok := s.vals[k]; ok {
		s.vals[k] = v
		return
	}
	if len(s.order) >= s.max {
		delete(s.vals, s.order[0])
		s.order = s.order[1:]
	}
	s.order = append(s.order, k)
	s.vals[k] = v
}
