package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fixtureDir holds real Mastodon API responses and documentation examples
// (provenance in its SOURCE.txt).
var fixtureDir = filepath.Join("testdata", "api")

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	return b
}

// loadFixtureStatuses decodes a fixture holding an array of statuses.
func loadFixtureStatuses(tb testing.TB, name string) []status {
	tb.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal(readFixture(tb, name), &raw); err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	out := make([]status, 0, len(raw))
	for _, r := range raw {
		s, err := decodeStatus(r)
		if err != nil {
			tb.Fatalf("decode status of %s: %v", name, err)
		}
		out = append(out, s)
	}
	return out
}

// fixtureRaw returns the raw statuses of a fixture array sorted by id, oldest first.
func fixtureRaw(tb testing.TB, name string) []rawStatus {
	tb.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal(readFixture(tb, name), &raw); err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	out := make([]rawStatus, 0, len(raw))
	for _, r := range raw {
		var id struct {
			ID  string `json:"id"`
			URI string `json:"uri"`
		}
		if err := json.Unmarshal(r, &id); err != nil {
			tb.Fatal(err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, r); err != nil {
			tb.Fatal(err)
		}
		out = append(out, rawStatus{ID: id.ID, URI: id.URI, JSON: c.Bytes()})
	}
	slices.SortFunc(out, func(a, b rawStatus) int { return compareIDs(a.ID, b.ID) })
	return out
}

type sub struct {
	ch   chan sseEvent
	done chan struct{}
}

type rawStatus struct {
	ID, URI string
	JSON    json.RawMessage
}

// fakeClock is a Clock whose Sleep returns at once and moves time forward.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(max(d, 0))
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sleeps)
}

// fakeServer is a Mastodon server holding a list of statuses: REST timelines
// page them with min_id/since_id/max_id/limit like Mastodon (newest first),
// and each stream connection receives the events pushed while it is open.
type fakeServer struct {
	t        testing.TB
	mu       sync.Mutex
	statuses []rawStatus // oldest first
	requests []string    // REST request URIs
	conns    int
	subs     map[int]*sub
	// streamPlan returns, for connection n (from 1), how many events it
	// relays before closing (0: until the client leaves) and whether it
	// ends with a truncated event.
	streamPlan func(n int) (limit int, truncate bool)
	// onConnect returns the events sent as soon as connection n opens.
	onConnect func(n int) []sseEvent
	// rest answers a REST request before the timeline logic when it
	// returns true (rate limiting, errors).
	rest func(w http.ResponseWriter, r *http.Request) bool
	srv  *httptest.Server
}

func newFakeServer(t testing.TB, initial []rawStatus) *fakeServer {
	f := &fakeServer{t: t, statuses: slices.Clone(initial), subs: map[int]*sub{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/timelines/", f.serveTimeline)
	mux.HandleFunc("/api/v1/accounts/", f.serveTimeline)
	mux.HandleFunc("/api/v1/streaming/", f.serveStream)
	mux.HandleFunc("/api/v1/accounts/lookup", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.URL.RequestURI())
		f.mu.Unlock()
		if r.URL.Query().Get("acct") != "iorin0225" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"id":"14476","username":"iorin0225","acct":"iorin0225"}`))
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) URL() string { return f.srv.URL }

// post adds a status and relays it as an "update" to open streams.
func (f *fakeServer) post(s rawStatus) {
	f.mu.Lock()
	f.statuses = append(f.statuses, s)
	f.mu.Unlock()
	f.push(sseEvent{Event: "update", Data: string(s.JSON)})
}

// push relays an event to every open stream.
func (f *fakeServer) push(ev sseEvent) {
	f.mu.Lock()
	subs := make([]*sub, 0, len(f.subs))
	for _, s := range f.subs {
		subs = append(subs, s)
	}
	f.mu.Unlock()
	for _, s := range subs {
		select {
		case s.ch <- ev:
		case <-s.done:
		}
	}
}

func (f *fakeServer) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

func (f *fakeServer) restRequests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeServer) serveTimeline(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.RequestURI())
	hook := f.rest
	all := slices.Clone(f.statuses)
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	q := r.URL.Query()
	limit := 20
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 40)
	}
	sel := all[:0:0]
	for _, s := range all {
		if v := q.Get("max_id"); v != "" && compareIDs(s.ID, v) >= 0 {
			continue
		}
		if v := q.Get("since_id"); v != "" && compareIDs(s.ID, v) <= 0 {
			continue
		}
		if v := q.Get("min_id"); v != "" && compareIDs(s.ID, v) <= 0 {
			continue
		}
		sel = append(sel, s)
	}
	// min_id gives the page right after it; otherwise the newest page.
	if q.Get("min_id") != "" {
		sel = sel[:min(limit, len(sel))]
	} else {
		sel = sel[max(len(sel)-limit, 0):]
	}
	out := make([]json.RawMessage, 0, len(sel))
	for i := len(sel) - 1; i >= 0; i-- {
		out = append(out, sel[i].JSON)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeServer) serveStream(w http.ResponseWriter, r *http.Request) {
	ch := make(chan sseEvent, 64)
	done := make(chan struct{})
	f.mu.Lock()
	f.conns++
	n := f.conns
	f.subs[n] = &sub{ch: ch, done: done}
	plan, onConnect := f.streamPlan, f.onConnect
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, n)
		f.mu.Unlock()
		close(done) // unblocks a push racing with the close
	}()
	limit, truncate := 0, false
	if plan != nil {
		limit, truncate = plan(n)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	_, _ = fmt.Fprint(w, ":)\n\n")
	fl.Flush()
	sent := 0
	write := func(ev sseEvent) bool {
		if limit > 0 && sent == limit {
			if truncate {
				// A cut event: no blank line, data cut in the middle.
				_, _ = fmt.Fprintf(w, "event: %s\ndata: %s", ev.Event, ev.Data[:len(ev.Data)/2])
				fl.Flush()
			}
			return false
		}
		_, _ = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Event, ev.Data)
		fl.Flush()
		sent++
		return true
	}
	if onConnect != nil {
		for _, ev := range onConnect(n) {
			if !write(ev) {
				return
			}
		}
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-ch:
			if !write(ev) {
				return
			}
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
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
