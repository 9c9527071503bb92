package bluesky

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"vigie/pipeline/fixtures"
	"vigie/pipeline/social"
)

// fixtureDir holds the real Jetstream captures of package fixtures.
var fixtureDir = fixtures.Path("social", "bluesky")

const (
	corpusFile = "jetstream_expected_v1_2026-07-04.jsonl" // 152 real events, live order
	goldenFile = "jetstream_golden_v1_2026-05-25.jsonl"
)

// connPlan scripts one connection: after pauseAt messages it waits until
// released holds (the client has emitted what the test needs it to), and
// after limit messages it is dropped without a close frame (0: no limit).
type connPlan struct {
	limit, pauseAt int
	released       func() bool
}

type rawEvent struct {
	ev  Event
	raw []byte
}

// loadEvents reads a JSONL fixture in file (arrival) order.
func loadEvents(tb testing.TB, name string) []rawEvent {
	tb.Helper()
	f, err := os.Open(filepath.Join(fixtureDir, name))
	if err != nil {
		tb.Fatalf("open fixture: %v", err)
	}
	defer f.Close()
	var out []rawEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		ev, err := DecodeEvent(line)
		if err != nil {
			tb.Fatalf("fixture line %d: %v", len(out)+1, err)
		}
		out = append(out, rawEvent{ev: ev, raw: slices.Clone(line)})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// fakeJetstream replays events like Jetstream: a connection with a cursor
// first gets every event already received with time_us >= cursor, in time_us
// order, then the live events in arrival order; without a cursor, only live
// events. Commits are filtered by wantedCollections and wantedDids.
type fakeJetstream struct {
	t       testing.TB
	mu      sync.Mutex
	log     []rawEvent // arrival order
	subs    map[int]chan rawEvent
	conns   int
	queries []url.Values
	// plan returns what connection n (from 1) does.
	plan   func(n int) connPlan
	refuse int // when not 0, the upgrade is answered with this status
	srv    *httptest.Server
}

func newFakeJetstream(t testing.TB) *fakeJetstream {
	f := &fakeJetstream{t: t, subs: map[int]chan rawEvent{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeJetstream) URL() string {
	return "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/subscribe"
}

func (f *fakeJetstream) publish(evs ...rawEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range evs {
		f.log = append(f.log, e)
		for _, ch := range f.subs {
			ch <- e // buffered for the whole corpus
		}
	}
}

func (f *fakeJetstream) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

func (f *fakeJetstream) query(n int) url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queries[n-1]
}

func wanted(e rawEvent, q url.Values) bool {
	if dids := q["wantedDids"]; len(dids) > 0 && !slices.Contains(dids, e.ev.DID) {
		return false
	}
	if cols := q["wantedCollections"]; len(cols) > 0 && e.ev.Kind == KindCommit {
		return slices.Contains(cols, e.ev.Commit.Collection)
	}
	return true
}

func (f *fakeJetstream) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	if f.refuse != 0 {
		f.mu.Unlock()
		http.Error(w, "refused", f.refuse)
		return
	}
	f.conns++
	n := f.conns
	f.queries = append(f.queries, q)
	var replay []rawEvent
	if c := q.Get("cursor"); c != "" {
		cur, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			f.mu.Unlock()
			http.Error(w, "bad cursor", http.StatusBadRequest)
			return
		}
		for _, e := range f.log {
			if e.ev.TimeUS >= cur {
				replay = append(replay, e)
			}
		}
		slices.SortStableFunc(replay, func(a, b rawEvent) int { return int(a.ev.TimeUS - b.ev.TimeUS) })
	}
	live := make(chan rawEvent, 1024)
	f.subs[n] = live
	var plan connPlan
	if f.plan != nil {
		plan = f.plan(n)
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, n)
		f.mu.Unlock()
	}()

	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx := conn.CloseRead(r.Context())
	sent := 0
	send := func(e rawEvent) bool {
		if !wanted(e, q) {
			return true
		}
		if plan.limit > 0 && sent == plan.limit {
			return false // dropped: no close frame
		}
		if plan.pauseAt > 0 && sent == plan.pauseAt && !poll(plan.released) {
			f.t.Errorf("connection %d: the client did not release its events within the deadline", n)
			return false
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := conn.Write(wctx, websocket.MessageText, e.raw); err != nil {
			return false
		}
		sent++
		return true
	}
	for _, e := range replay {
		if !send(e) {
			return
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-live:
			if !send(e) {
				return
			}
		}
	}
}

// fakeClock sleeps no time and records the sleeps.
type fakeClock struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (f *fakeClock) Now() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeClock) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sleeps)
}

// waitFor polls cond until it holds, and fails tb after a deadline.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	if !poll(cond) {
		tb.Fatalf("timed out waiting for %s", what)
	}
}

// poll reports whether cond held within 10 seconds; it may run outside the
// test's goroutine (the fake server's handlers).
func poll(cond func() bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}

// endMarker is a post later than every event of evs, by one of the authors
// and with the words and language the tests' filters ask for. Published
// after them, it tells when the client is done with them: the client emits
// in time_us order, so once the marker is out every event before it has
// been received and emitted or dropped, and a test can check that nothing
// else came out (a duplicate, a post a filter let through) without sleeping
// for it.
func endMarker(tb testing.TB, evs []rawEvent) rawEvent {
	tb.Helper()
	last := int64(0)
	for _, e := range evs {
		last = max(last, e.ev.TimeUS)
	}
	raw := []byte(`{"did":"` + markerDID + `","time_us":` + strconv.FormatInt(last+1_000_000, 10) +
		`,"kind":"commit","commit":{"rev":"3mptczzzzzzzz","operation":"create","collection":"app.bsky.feed.post","rkey":"` + markerRKey +
		`","record":{"$type":"app.bsky.feed.post","createdAt":"2026-07-04T15:00:00.000Z","langs":["ja"],"text":"end of the test: debunked"},"cid":"bafyreiendmarker"}}`)
	ev, err := DecodeEvent(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return rawEvent{ev: ev, raw: raw}
}

const (
	markerDID  = "did:plc:u4lmvw4wwzaql3z5kcf3r7h4" // an author of the corpus, one the DID filter keeps
	markerRKey = "3mptczzzzzzzz"
)

// isMarker reports whether p is the end marker.
func isMarker(p social.Post) bool { return strings.HasSuffix(p.ID, "/"+markerRKey) }

// publishAndDrain publishes evs then the end marker, and waits until rec has
// emitted the marker.
func publishAndDrain(t *testing.T, f *fakeJetstream, rec *recorder, evs ...rawEvent) {
	t.Helper()
	f.publish(append(slices.Clone(evs), endMarker(t, evs))...)
	waitFor(t, "the end marker", rec.sawMarker)
}
