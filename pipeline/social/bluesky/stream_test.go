package bluesky

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/pipeline/retry"
	"vigie/pipeline/social"
	"vigie/pipeline/social/socialtest"
)

type recorder struct {
	mu      sync.Mutex
	posts   []social.Post
	cursors []string
	onEmit  func(n int)
}

func (r *recorder) emit(p social.Post, cursor string) error {
	r.mu.Lock()
	r.posts = append(r.posts, p)
	r.cursors = append(r.cursors, cursor)
	n, hook := len(r.posts), r.onEmit
	r.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return nil
}

// snapshot returns what was emitted, without the end marker.
func (r *recorder) snapshot() ([]social.Post, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var posts []social.Post
	var cursors []string
	for i, p := range r.posts {
		if !isMarker(p) {
			posts, cursors = append(posts, p), append(cursors, r.cursors[i])
		}
	}
	return posts, cursors
}

// sawMarker reports whether the end marker was emitted.
func (r *recorder) sawMarker() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.ContainsFunc(r.posts, isMarker)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.posts)
}

// postKey identifies an emitted post or tombstone.
func postKey(p social.Post) string {
	switch {
	case p.Deleted:
		return "delete " + p.ID
	case p.Edited != nil:
		return "update " + p.ID
	}
	return "create " + p.ID
}

// expectedPosts returns the keys of the post events of the corpus in
// time_us order, and their time_us.
func expectedPosts(evs []rawEvent, keep func(Event) bool) ([]string, map[string]int64) {
	sorted := slices.Clone(evs)
	slices.SortStableFunc(sorted, func(a, b rawEvent) int { return int(a.ev.TimeUS - b.ev.TimeUS) })
	var keys []string
	times := map[string]int64{}
	for _, e := range sorted {
		if !e.ev.IsPost() || (keep != nil && !keep(e.ev)) {
			continue
		}
		k := e.ev.Commit.Operation + " " + e.ev.PostURI()
		keys = append(keys, k)
		times[k] = e.ev.TimeUS
	}
	return keys, times
}

func newTestClient(t *testing.T, f *fakeJetstream, clk *fakeClock, filter Filter) *Client {
	t.Helper()
	c, err := NewClient(Config{
		URL:           f.URL(),
		Filter:        filter,
		HTTPClient:    f.srv.Client(),
		Logger:        zaptest.NewLogger(t),
		Clock:         clk,
		Backoff:       retry.Backoff{Base: time.Second, Max: 4 * time.Second},
		ReorderWindow: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkCursors(t *testing.T, posts []social.Post, cursors []string, times map[string]int64) {
	t.Helper()
	prev := int64(0)
	for i, c := range cursors {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			t.Fatalf("cursor %q: %v", c, err)
		}
		if n < prev {
			t.Errorf("cursor went back: %d then %d", prev, n)
		}
		if ts := times[postKey(posts[i])]; n < ts {
			t.Errorf("cursor %d emitted with %s does not cover its time_us %d", n, postKey(posts[i]), ts)
		}
		prev = n
	}
}

// TestStreamDropAndResume publishes the real corpus while the server drops
// the connection twice without a close frame; the client must emit every
// post event exactly once, in time_us order, with a cursor that covers it.
func TestStreamDropAndResume(t *testing.T) {
	t.Parallel()
	evs := loadEvents(t, corpusFile)
	want, times := expectedPosts(evs, nil)
	if len(want) != 18 {
		t.Fatalf("corpus has %d post events, want 18 (17 creates, 1 delete)", len(want))
	}
	f := newFakeJetstream(t)
	rec := &recorder{}
	f.plan = func(n int) connPlan {
		switch n {
		case 1:
			return connPlan{limit: 6} // dropped while the events are still held
		case 2:
			// Replays, pauses until the client has emitted some, then drops
			// with events still held.
			return connPlan{limit: 14, pauseAt: 8, released: func() bool { return rec.count() > 0 }}
		}
		return connPlan{}
	}
	clk := &fakeClock{}
	c := newTestClient(t, f, clk, Filter{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Stream(ctx, "", rec.emit) }()
	waitFor(t, "first connection", func() bool { return f.connections() >= 1 })
	publishAndDrain(t, f, rec, evs...) // a duplicate, if any, comes out before the marker
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Stream returned %v", err)
	}

	posts, cursors := rec.snapshot()
	got := make([]string, len(posts))
	for i, p := range posts {
		got[i] = postKey(p)
	}
	if !slices.Equal(got, want) {
		t.Errorf("emitted:\n%q\nwant:\n%q", got, want)
	}
	checkCursors(t, posts, cursors, times)
	for _, p := range posts {
		socialtest.CheckPost(t, p)
	}
	if f.connections() < 3 || clk.count() < 2 {
		t.Errorf("connections %d, backoff sleeps %d: want 3 and 2", f.connections(), clk.count())
	}
	q2 := f.query(2)
	if q2.Get("cursor") == "" || q2.Get("wantedCollections") != Collection {
		t.Errorf("reconnection query %v: want a cursor and wantedCollections", q2)
	}
}

// TestStreamRestartFromCursor stops a client in the middle of the corpus
// and starts a new one (as a restarted process) from the stored cursor.
func TestStreamRestartFromCursor(t *testing.T) {
	t.Parallel()
	evs := loadEvents(t, corpusFile)
	want, times := expectedPosts(evs, nil)
	for _, stopAfter := range []int{1, 6, 11, 17} {
		t.Run("stop after "+strconv.Itoa(stopAfter), func(t *testing.T) {
			f := newFakeJetstream(t)
			clk := &fakeClock{}
			rec1 := &recorder{}
			ctx1, cancel1 := context.WithCancel(context.Background())
			defer cancel1()
			rec1.onEmit = func(n int) {
				if n == stopAfter {
					cancel1()
				}
			}
			done1 := make(chan error, 1)
			go func() { done1 <- newTestClient(t, f, clk, Filter{}).Stream(ctx1, "", rec1.emit) }()
			waitFor(t, "first connection", func() bool { return f.connections() >= 1 })
			f.publish(append(slices.Clone(evs), endMarker(t, evs))...)
			if err := <-done1; !errors.Is(err, context.Canceled) {
				t.Fatalf("first run: %v", err)
			}
			posts1, cursors1 := rec1.snapshot()
			stored := cursors1[len(cursors1)-1]

			rec2 := &recorder{}
			ctx2, cancel2 := context.WithCancel(context.Background())
			defer cancel2()
			done2 := make(chan error, 1)
			go func() { done2 <- newTestClient(t, f, clk, Filter{}).Stream(ctx2, stored, rec2.emit) }()
			waitFor(t, "the end marker", rec2.sawMarker)
			cancel2()
			<-done2
			posts2, cursors2 := rec2.snapshot()

			var got []string
			for _, p := range append(posts1, posts2...) {
				got = append(got, postKey(p))
			}
			if !slices.Equal(got, want) {
				t.Errorf("emitted over both runs:\n%q\nwant:\n%q", got, want)
			}
			checkCursors(t, append(posts1, posts2...), append(cursors1, cursors2...), times)
			if q := f.query(2); q.Get("cursor") != stored {
				t.Errorf("restart query cursor %q, want %q", q.Get("cursor"), stored)
			}
		})
	}
}

func TestStreamFilters(t *testing.T) {
	t.Parallel()
	evs := loadEvents(t, corpusFile)
	tests := []struct {
		name   string
		filter Filter
		keep   func(Event) bool
		n      int
	}{
		{
			name:   "author DIDs, server and client side",
			filter: Filter{DIDs: []string{"did:plc:u4lmvw4wwzaql3z5kcf3r7h4", "did:plc:4smmjsqf6l5jkzczvw6vsrqc"}},
			keep: func(e Event) bool {
				return e.DID == "did:plc:u4lmvw4wwzaql3z5kcf3r7h4" || e.DID == "did:plc:4smmjsqf6l5jkzczvw6vsrqc"
			},
			n: 4, // three creates and one delete
		},
		{
			name:   "keyword",
			filter: Filter{Keywords: []string{"DEBUNKED", "primátorem"}},
			keep: func(e Event) bool {
				return e.Commit.RKey == "3mptbyoigog2b" || e.Commit.RKey == "3mptbypt22l26"
			},
			n: 2, // the corpus's delete is of a post this stream never emitted
		},
		{
			name:   "language",
			filter: Filter{Languages: []string{"ja", "ko"}},
			keep: func(e Event) bool {
				return e.Commit.RKey == "3mptbyqhi7s2f" || e.Commit.RKey == "3mptbyp7lu223"
			},
			n: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _ := expectedPosts(evs, tt.keep)
			if len(want) != tt.n {
				t.Fatalf("test expects %d posts, corpus gives %d", tt.n, len(want))
			}
			f := newFakeJetstream(t)
			rec := &recorder{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- newTestClient(t, f, &fakeClock{}, tt.filter).Stream(ctx, "", rec.emit) }()
			waitFor(t, "connection", func() bool { return f.connections() >= 1 })
			publishAndDrain(t, f, rec, evs...) // a post wrongly let through comes out before the marker
			cancel()
			<-done
			posts, _ := rec.snapshot()
			var got []string
			for _, p := range posts {
				got = append(got, postKey(p))
			}
			if !slices.Equal(got, want) {
				t.Errorf("emitted %q\nwant %q", got, want)
			}
			if dids := f.query(1)["wantedDids"]; !slices.Equal(dids, tt.filter.DIDs) {
				t.Errorf("wantedDids = %q, want %q", dids, tt.filter.DIDs)
			}
		})
	}
}

func TestStreamStops(t *testing.T) {
	t.Parallel()
	evs := loadEvents(t, corpusFile)
	t.Run("emit error", func(t *testing.T) {
		f := newFakeJetstream(t)
		boom := errors.New("boom")
		done := make(chan error, 1)
		go func() {
			done <- newTestClient(t, f, &fakeClock{}, Filter{}).Stream(context.Background(), "", func(social.Post, string) error { return boom })
		}()
		waitFor(t, "connection", func() bool { return f.connections() >= 1 })
		f.publish(evs...)
		if err := <-done; !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
	})
	t.Run("refused upgrade is permanent", func(t *testing.T) {
		f := newFakeJetstream(t)
		f.refuse = http.StatusBadRequest
		err := newTestClient(t, f, &fakeClock{}, Filter{}).Stream(context.Background(), "", (&recorder{}).emit)
		var pe *PermanentError
		if !errors.As(err, &pe) || pe.StatusCode != http.StatusBadRequest {
			t.Fatalf("err = %v, want a permanent 400", err)
		}
	})
	t.Run("overloaded server is retried", func(t *testing.T) {
		f := newFakeJetstream(t)
		f.refuse = http.StatusServiceUnavailable
		clk := &fakeClock{}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- newTestClient(t, f, clk, Filter{}).Stream(ctx, "", (&recorder{}).emit) }()
		waitFor(t, "three retries", func() bool { return clk.count() >= 3 })
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad cursor", func(t *testing.T) {
		f := newFakeJetstream(t)
		err := newTestClient(t, f, &fakeClock{}, Filter{}).Stream(context.Background(), "yesterday", (&recorder{}).emit)
		if err == nil || f.connections() != 0 {
			t.Fatalf("err = %v after %d connections", err, f.connections())
		}
	})
	t.Run("silent connection is reopened", func(t *testing.T) {
		f := newFakeJetstream(t)
		c := newTestClient(t, f, &fakeClock{}, Filter{})
		c.cfg.IdleTimeout = 30 * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- c.Stream(ctx, "", (&recorder{}).emit) }()
		waitFor(t, "a second connection", func() bool { return f.connections() >= 2 })
		cancel()
		<-done
	})
}

// TestStreamOutOfOrderArrival reproduces the reordering seen in the corpus
// (live events up to 33ms out of time_us order): P6 arrives before P5 and
// the connection drops right after P6. The client must not have advanced
// its cursor past P5, so that the replay brings P5 back: every post once,
// in time_us order.
func TestStreamOutOfOrderArrival(t *testing.T) {
	t.Parallel()
	var posts []rawEvent
	for _, e := range loadEvents(t, corpusFile) {
		if e.ev.IsPost() {
			posts = append(posts, e)
		}
	}
	want, times := expectedPosts(posts, nil)
	arrival := slices.Clone(posts)
	arrival[5], arrival[6] = arrival[6], arrival[5]
	f := newFakeJetstream(t)
	rec := &recorder{}
	f.plan = func(n int) connPlan {
		if n == 1 {
			// P0..P4, a pause until the client has emitted them, P6, drop.
			return connPlan{pauseAt: 5, released: func() bool { return rec.count() >= 5 }, limit: 6}
		}
		return connPlan{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- newTestClient(t, f, &fakeClock{}, Filter{}).Stream(ctx, "", rec.emit) }()
	waitFor(t, "connection", func() bool { return f.connections() >= 1 })
	publishAndDrain(t, f, rec, arrival...)
	cancel()
	<-done
	got, cursors := rec.snapshot()
	keys := make([]string, len(got))
	for i, p := range got {
		keys[i] = postKey(p)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("emitted:\n%q\nwant:\n%q", keys, want)
	}
	checkCursors(t, got, cursors, times)
	if f.connections() < 2 {
		t.Errorf("%d connections, want a reconnection", f.connections())
	}
}

// TestStreamDeleteOfEmittedPost checks that with a keyword filter the
// deletion of a post the stream emitted comes out, and others do not.
func TestStreamDeleteOfEmittedPost(t *testing.T) {
	t.Parallel()
	evs := loadEvents(t, corpusFile)
	last := evs[len(evs)-1].ev.TimeUS
	del := func(did, rkey string, dt int64) rawEvent {
		raw := []byte(`{"did":"` + did + `","time_us":` + strconv.FormatInt(last+dt, 10) +
			`,"kind":"commit","commit":{"rev":"3mptc0000000a","operation":"delete","collection":"app.bsky.feed.post","rkey":"` + rkey + `"}}`)
		ev, err := DecodeEvent(raw)
		if err != nil {
			t.Fatal(err)
		}
		return rawEvent{ev: ev, raw: raw}
	}
	f := newFakeJetstream(t)
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- newTestClient(t, f, &fakeClock{}, Filter{Keywords: []string{"debunked"}}).Stream(ctx, "", rec.emit)
	}()
	waitFor(t, "connection", func() bool { return f.connections() >= 1 })
	publishAndDrain(t, f, rec, append(evs,
		del("did:plc:ybqkf2mtfbwx3qhga63mttja", "3mptbyoigog2b", 1000),     // the matching post
		del("did:plc:zcxfgub447re7p3vuvlw37wy", "3mptbypjm6224", 2000))...) // a post not emitted
	cancel()
	<-done
	posts, _ := rec.snapshot()
	var got []string
	for _, p := range posts {
		got = append(got, postKey(p))
	}
	want := []string{
		"create at://did:plc:ybqkf2mtfbwx3qhga63mttja/app.bsky.feed.post/3mptbyoigog2b",
		"delete at://did:plc:ybqkf2mtfbwx3qhga63mttja/app.bsky.feed.post/3mptbyoigog2b",
	}
	if !slices.Equal(got, want) {
		t.Errorf("emitted %q, want %q", got, want)
	}
}
