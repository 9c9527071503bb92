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
)

// fixtureDir holds the real Jetstream captures of package fixtures.
var fixtureDir = fixtures.Path("social", "bluesky")

const (
	corpusFile = "jetstream_expected_v1_2026-07-04.jsonl" // 152 real events, live order
	goldenFile = "jetstream_golden_v1_2026-05-25.jsonl"
)

// connPlan scripts one connection: after pauseAt messages it pauses (so
// that the client releases what it holds), and after limit messages it is
// dropped without a close frame (0: no limit).
type connPlan struct {
	limit, pauseAt int
	pause          time.Duration
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
		if plan.pauseAt > 0 && sent == plan.pauseAt {
			time.Sleep(plan.pause)
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

func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
