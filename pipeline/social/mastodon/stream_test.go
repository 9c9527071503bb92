package mastodon

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/pipeline/social"
	"vigie/pipeline/social/socialtest"
)

func TestReadSSE(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []sseEvent
	}{
		{name: "two events", in: "event: update\ndata: {}\n\nevent: delete\ndata: 12\n\n",
			want: []sseEvent{{"update", "{}"}, {"delete", "12"}}},
		{name: "heartbeat comments", in: ":thump\n\n:)\nevent: delete\ndata: 1\n\n", want: []sseEvent{{"delete", "1"}}},
		{name: "multi-line data", in: "event: x\ndata: a\ndata: b\n\n", want: []sseEvent{{"x", "a\nb"}}},
		{name: "crlf", in: "event: delete\r\ndata: 5\r\n\r\n", want: []sseEvent{{"delete", "5"}}},
		{name: "no space after colon", in: "event:delete\ndata:7\n\n", want: []sseEvent{{"delete", "7"}}},
		{name: "default event name", in: "data: hi\n\n", want: []sseEvent{{"message", "hi"}}},
		{name: "event cut by the end of the stream is dropped", in: "event: delete\ndata: 1\n\nevent: update\ndata: {\"id\":\"2\"",
			want: []sseEvent{{"delete", "1"}}},
		{name: "event without data is not dispatched", in: "event: update\n\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []sseEvent
			beats := 0
			err := readSSE(strings.NewReader(tt.in), func() { beats++ }, func(ev sseEvent) error {
				got = append(got, ev)
				return nil
			})
			if !errors.Is(err, io.EOF) {
				t.Fatalf("err = %v, want io.EOF", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("events = %q, want %q", got, tt.want)
			}
			if beats == 0 && tt.in != "" {
				t.Error("no heartbeat reported")
			}
		})
	}
	t.Run("line over the cap", func(t *testing.T) {
		in := "data: " + strings.Repeat("x", maxSSELine+1) + "\n\n"
		err := readSSE(strings.NewReader(in), nil, func(sseEvent) error { return nil })
		if err == nil || errors.Is(err, io.EOF) {
			t.Fatalf("err = %v, want a too-long error", err)
		}
	})
}

// recorder collects what Stream emits.
type recorder struct {
	mu      sync.Mutex
	posts   []social.Post
	cursors []string
}

func (r *recorder) emit(p social.Post, cursor string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts = append(r.posts, p)
	r.cursors = append(r.cursors, cursor)
	return nil
}

func (r *recorder) snapshot() ([]social.Post, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.posts), slices.Clone(r.cursors)
}

// newIDs returns the SourceIDs of the new (not edited, not deleted) posts.
func (r *recorder) newIDs() []string {
	posts, _ := r.snapshot()
	var out []string
	for _, p := range posts {
		if !p.Deleted && p.Edited == nil {
			out = append(out, p.SourceID)
		}
	}
	return out
}

func (r *recorder) has(id string) bool { return slices.Contains(r.newIDs(), id) }

// TestStreamDropAndResume drives a stream through a connection cut in the
// middle of an event, a reconnection whose first event repeats one the
// catch-up already gave, statuses posted while disconnected, an edit and a
// delete. Every status must come out exactly once, in order, with a cursor
// that never goes back.
func TestStreamDropAndResume(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json") // S0..S19
	f := newFakeServer(t, all[:6])                       // S0..S5 exist before the start
	f.streamPlan = func(n int) (int, bool) {
		switch n {
		case 1:
			return 3, true // three events, then a cut one, then the connection drops
		case 2:
			return 4, false // four events (the first a repeat), then a clean close
		}
		return 0, false
	}
	f.onConnect = func(n int) []sseEvent {
		if n < 2 {
			return nil
		}
		// The server repeats the newest status on connect: it is also in the catch-up.
		f.mu.Lock()
		last := f.statuses[len(f.statuses)-1]
		f.mu.Unlock()
		return []sseEvent{{Event: "update", Data: string(last.JSON)}}
	}
	clk := newFakeClock()
	c := newTestClient(t, f, clk, WithPageLimit(2))
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Stream(ctx, StreamSpec{Kind: KindPublic}, all[3].ID, rec.emit) }()

	waitFor(t, "first connection", func() bool { return f.connections() >= 1 })
	waitFor(t, "catch-up of S4 and S5", func() bool { return rec.has(all[5].ID) })
	for _, s := range all[6:10] { // S9 is the one cut in the middle
		f.post(s)
	}
	waitFor(t, "second connection", func() bool { return f.connections() >= 2 })
	for _, s := range all[10:14] {
		f.post(s)
	}
	waitFor(t, "third connection", func() bool { return f.connections() >= 3 })
	waitFor(t, "S13", func() bool { return rec.has(all[13].ID) })
	for _, s := range all[14:] {
		f.post(s)
	}
	waitFor(t, "S19", func() bool { return rec.has(all[19].ID) })

	// An edit of S5 and the deletion of S6 arrive live.
	edited := `{"edited_at":"2026-11-27T09:30:00.000Z",` + string(all[5].JSON)[1:]
	edited = strings.Replace(edited, `</p>`, ` (edited)</p>`, 1)
	f.push(sseEvent{Event: "status.update", Data: edited})
	f.push(sseEvent{Event: "delete", Data: all[6].ID})
	waitFor(t, "edit and delete", func() bool { posts, _ := rec.snapshot(); return len(posts) >= 18 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Stream returned %v, want context.Canceled", err)
	}

	if got, want := rec.newIDs(), rawIDs(all[4:]); !slices.Equal(got, want) {
		t.Fatalf("new posts = %v\nwant        %v", got, want)
	}
	posts, cursors := rec.snapshot()
	for _, p := range posts {
		socialtest.CheckPost(t, p)
	}
	if len(posts) != 18 {
		t.Fatalf("%d posts emitted, want 16 new + 1 edit + 1 delete", len(posts))
	}
	for i := 1; i < len(cursors); i++ {
		if compareIDs(cursors[i], cursors[i-1]) < 0 {
			t.Errorf("cursor went back: %s then %s", cursors[i-1], cursors[i])
		}
	}
	if cursors[len(cursors)-1] != all[19].ID {
		t.Errorf("final cursor %s, want %s", cursors[len(cursors)-1], all[19].ID)
	}
	edit, del := posts[16], posts[17]
	wantEdit := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	if edit.ID != all[5].URI || edit.Edited == nil || !edit.Edited.Equal(wantEdit) || !strings.Contains(edit.Text, "(edited)") || edit.SourceID != all[5].ID {
		t.Errorf("edit = %+v, want S5 (%s) edited", edit, all[5].URI)
	}
	if !del.Deleted || del.SourceID != all[6].ID || del.ID != all[6].URI {
		t.Errorf("delete = %+v, want tombstone of %s", del, all[6].URI)
	}
	// Every reconnection waited a backoff; the connection that made progress reset it.
	if s := clk.Sleeps(); len(s) < 2 {
		t.Errorf("backoff sleeps = %v, want one per reconnection", s)
	}
	// The catch-ups started from the stored cursor, then from the last seen id.
	reqs := f.restRequests()
	if len(reqs) == 0 || !strings.Contains(reqs[0], "min_id="+all[3].ID) {
		t.Errorf("first catch-up %q, want min_id=%s", reqs, all[3].ID)
	}
}

// TestStreamRestartFromCursor stops a stream, then starts a new one (as after
// a process restart) from the cursor persisted with the last handled post.
func TestStreamRestartFromCursor(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_tag_timeline.json")
	f := newFakeServer(t, all[:2])
	c := newTestClient(t, f, newFakeClock(), WithPageLimit(3))

	// First run: handles S2..S9, then the process stops.
	rec1 := &recorder{}
	ctx1, cancel1 := context.WithCancel(context.Background())
	defer cancel1()
	done1 := make(chan error, 1)
	go func() { done1 <- c.Stream(ctx1, StreamSpec{Kind: KindHashtag, Tag: "mastodon"}, all[1].ID, rec1.emit) }()
	waitFor(t, "connection", func() bool { return f.connections() >= 1 })
	for _, s := range all[2:10] {
		f.post(s)
	}
	waitFor(t, "S9", func() bool { return rec1.has(all[9].ID) })
	cancel1()
	if err := <-done1; !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v", err)
	}
	_, cursors := rec1.snapshot()
	stored := cursors[len(cursors)-1]

	// While the process is down, S10..S14 are posted.
	for _, s := range all[10:15] {
		f.post(s)
	}
	// Second run, from the stored cursor, with a fresh client (no memory).
	c2 := newTestClient(t, f, newFakeClock(), WithPageLimit(3))
	rec2 := &recorder{}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	done2 := make(chan error, 1)
	go func() { done2 <- c2.Stream(ctx2, StreamSpec{Kind: KindHashtag, Tag: "mastodon"}, stored, rec2.emit) }()
	waitFor(t, "second connection", func() bool { return f.connections() >= 2 })
	waitFor(t, "catch-up to S14", func() bool { return rec2.has(all[14].ID) })
	for _, s := range all[15:] {
		f.post(s)
	}
	waitFor(t, "S19", func() bool { return rec2.has(all[19].ID) })
	cancel2()
	<-done2

	got := append(rec1.newIDs(), rec2.newIDs()...)
	if want := rawIDs(all[2:]); !slices.Equal(got, want) {
		t.Errorf("posts over both runs = %v\nwant                  %v", got, want)
	}
}

func TestStreamStops(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json")
	t.Run("emit error stops the stream", func(t *testing.T) {
		f := newFakeServer(t, all)
		c := newTestClient(t, f, newFakeClock())
		boom := errors.New("boom")
		err := c.Stream(context.Background(), StreamSpec{Kind: KindPublic}, all[10].ID, func(social.Post, string) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
	})
	t.Run("unauthorized is permanent", func(t *testing.T) {
		f := newFakeServer(t, all)
		f.rest = func(w http.ResponseWriter, r *http.Request) bool {
			w.WriteHeader(http.StatusUnauthorized)
			return true
		}
		c := newTestClient(t, f, newFakeClock())
		err := c.Stream(context.Background(), StreamSpec{Kind: KindList, ListID: "3"}, all[10].ID, (&recorder{}).emit)
		var he *HTTPError
		if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized {
			t.Fatalf("err = %v, want a 401", err)
		}
	})
	t.Run("account has no stream", func(t *testing.T) {
		f := newFakeServer(t, all)
		c := newTestClient(t, f, newFakeClock())
		err := c.Stream(context.Background(), StreamSpec{Kind: KindAccount, AccountID: "1"}, "", (&recorder{}).emit)
		if err == nil || f.connections() != 0 {
			t.Fatalf("err = %v, connections %d", err, f.connections())
		}
	})
	t.Run("silent stream reconnects", func(t *testing.T) {
		f := newFakeServer(t, all)
		c := newTestClient(t, f, newFakeClock(), WithIdleTimeout(20*time.Millisecond))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- c.Stream(ctx, StreamSpec{Kind: KindPublic}, "", (&recorder{}).emit) }()
		waitFor(t, "a reconnection after silence", func() bool { return f.connections() >= 2 })
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestStreamFromNow starts without a cursor: the statuses that exist are
// not emitted, but those posted after the start are, including those posted
// while the connection was down.
func TestStreamFromNow(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json")
	f := newFakeServer(t, all[:5])
	f.streamPlan = func(n int) (int, bool) {
		if n == 1 {
			return 2, true
		}
		return 0, false
	}
	c := newTestClient(t, f, newFakeClock())
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Stream(ctx, StreamSpec{Kind: KindPublic}, "", rec.emit) }()
	waitFor(t, "connection and baseline", func() bool { return f.connections() >= 1 && len(f.restRequests()) >= 1 })
	for _, s := range all[5:8] { // S7 is cut and drops the connection
		f.post(s)
	}
	f.post(all[8])
	waitFor(t, "S8", func() bool { return rec.has(all[8].ID) })
	cancel()
	<-done
	if got, want := rec.newIDs(), rawIDs(all[5:9]); !slices.Equal(got, want) {
		t.Errorf("new posts = %v, want %v", got, want)
	}
}
