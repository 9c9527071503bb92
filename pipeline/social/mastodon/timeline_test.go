package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/pipeline/retry"
	"vigie/pipeline/social"
)

func newTestClient(t *testing.T, f *fakeServer, clk *fakeClock, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithLogger(zaptest.NewLogger(t)), WithClock(clk), WithBackoff(retry.Backoff{Base: time.Second, Max: 8 * time.Second})}, opts...)
	c, err := NewClient(f.URL(), f.srv.Client(), "secret-token", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sourceIDs(posts []social.Post) []string {
	out := make([]string, len(posts))
	for i, p := range posts {
		out[i] = p.SourceID
	}
	return out
}

func rawIDs(rs []rawStatus) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestTimelinePaging(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json") // 20 statuses
	tests := []struct {
		name     string
		since    string
		pageSize int
		maxPages int
		want     []string
		cursor   string
	}{
		{name: "empty cursor gives the newest page", since: "", pageSize: 3, maxPages: 10,
			want: rawIDs(all[17:]), cursor: all[19].ID},
		{name: "from the oldest reads all the rest in order", since: all[0].ID, pageSize: 3, maxPages: 100,
			want: rawIDs(all[1:]), cursor: all[19].ID},
		{name: "page budget stops early with a cursor covering exactly what was read", since: all[0].ID, pageSize: 3, maxPages: 2,
			want: rawIDs(all[1:7]), cursor: all[6].ID},
		{name: "exact multiple of the page size", since: all[7].ID, pageSize: 4, maxPages: 100,
			want: rawIDs(all[8:]), cursor: all[19].ID},
		{name: "caught up returns nothing and keeps the cursor", since: all[19].ID, pageSize: 5, maxPages: 10,
			want: []string{}, cursor: all[19].ID},
		{name: "cursor between ids", since: "172423", pageSize: 40, maxPages: 1,
			want: []string{"172424", "172426", "172427", "172429"}, cursor: "172429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, all)
			c := newTestClient(t, f, newFakeClock(), WithPageLimit(tt.pageSize), WithMaxPages(tt.maxPages))
			posts, cursor, err := c.Timeline(context.Background(), TimelineSpec{Kind: KindPublic, Local: true}, tt.since)
			if err != nil {
				t.Fatal(err)
			}
			if got := sourceIDs(posts); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			if cursor != tt.cursor {
				t.Errorf("cursor = %q, want %q", cursor, tt.cursor)
			}
			for _, u := range f.restRequests() {
				if !strings.Contains(u, "local=true") || !strings.HasPrefix(u, "/api/v1/timelines/public?") {
					t.Errorf("request %q: wrong timeline", u)
				}
			}
		})
	}
}

// TestTimelineSuccessiveCalls follows a timeline that grows between calls,
// with a small page budget, and checks that the union of all calls is every
// status exactly once, in order.
func TestTimelineSuccessiveCalls(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_tag_timeline.json")
	f := newFakeServer(t, all[:5])
	c := newTestClient(t, f, newFakeClock(), WithPageLimit(2), WithMaxPages(2))
	spec := TimelineSpec{Kind: KindHashtag, Tag: "mastodon"}
	var got []string
	cursor := all[1].ID // the caller had stored this
	next := 5
	for round := 0; round < 30; round++ {
		posts, cur, err := c.Timeline(context.Background(), spec, cursor)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sourceIDs(posts)...)
		cursor = cur
		// Three new statuses arrive between two polls, until all are in.
		for i := 0; i < 3 && next < len(all); i++ {
			f.post(all[next])
			next++
		}
	}
	if want := rawIDs(all[2:]); !slices.Equal(got, want) {
		t.Errorf("ids = %v\nwant  %v", got, want)
	}
	if cursor != all[len(all)-1].ID {
		t.Errorf("final cursor %q, want %q", cursor, all[len(all)-1].ID)
	}
	for _, u := range f.restRequests() {
		if !strings.HasPrefix(u, "/api/v1/timelines/tag/mastodon?") {
			t.Errorf("request %q: wrong path", u)
		}
	}
}

func TestTimelineSpecs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec TimelineSpec
		path string
		err  bool
	}{
		{name: "public remote media", spec: TimelineSpec{Kind: KindPublic, Remote: true, OnlyMedia: true}, path: "/api/v1/timelines/public?limit=40&only_media=true&remote=true"},
		{name: "hashtag escaped", spec: TimelineSpec{Kind: KindHashtag, Tag: "élections 2026"}, path: "/api/v1/timelines/tag/%C3%A9lections%202026?limit=40"},
		{name: "list", spec: TimelineSpec{Kind: KindList, ListID: "12"}, path: "/api/v1/timelines/list/12?limit=40"},
		{name: "account", spec: TimelineSpec{Kind: KindAccount, AccountID: "42", ExcludeReblogs: true}, path: "/api/v1/accounts/42/statuses?exclude_reblogs=true&limit=40"},
		{name: "home", spec: TimelineSpec{Kind: KindHome}, path: "/api/v1/timelines/home?limit=40"},
		{name: "hashtag without tag", spec: TimelineSpec{Kind: KindHashtag}, err: true},
		{name: "unknown kind", spec: TimelineSpec{Kind: "trending"}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, nil)
			c := newTestClient(t, f, newFakeClock())
			_, _, err := c.Timeline(context.Background(), tt.spec, "")
			if tt.err {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.restRequests()
			if len(reqs) != 1 || reqs[0] != tt.path {
				t.Errorf("requests = %q, want [%q]", reqs, tt.path)
			}
		})
	}
}

// rateLimiter is a REST hook enforcing a window of n requests that resets
// at a fixed time of the fake clock; it records requests made too early.
type rateLimiter struct {
	mu         sync.Mutex
	clk        *fakeClock
	window     time.Duration
	perWindow  int
	left       int
	reset      time.Time
	violations int
	calls      int
}

func (rl *rateLimiter) hook(w http.ResponseWriter, r *http.Request) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.calls++
	now := rl.clk.Now()
	if rl.reset.IsZero() || !now.Before(rl.reset) {
		rl.left, rl.reset = rl.perWindow, now.Add(rl.window)
	}
	if rl.left == 0 {
		rl.violations++
		w.Header().Set("Retry-After", fmt.Sprint(int(rl.reset.Sub(now).Seconds())))
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	}
	rl.left--
	w.Header().Set("X-RateLimit-Limit", fmt.Sprint(rl.perWindow))
	w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(rl.left))
	w.Header().Set("X-RateLimit-Reset", rl.reset.Format("2006-01-02T15:04:05.000Z"))
	return false
}

func TestTimelineRateLimitHeaders(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json")
	f := newFakeServer(t, all)
	clk := newFakeClock()
	rl := &rateLimiter{clk: clk, window: 5 * time.Minute, perWindow: 3}
	f.rest = rl.hook
	c := newTestClient(t, f, clk, WithPageLimit(2), WithMaxPages(100))
	posts, _, err := c.Timeline(context.Background(), TimelineSpec{Kind: KindPublic}, all[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sourceIDs(posts), rawIDs(all[1:]); !slices.Equal(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	if rl.violations != 0 {
		t.Errorf("%d requests sent while the window was exhausted", rl.violations)
	}
	// 10 pages at 3 per 5-minute window: three waits for the reset.
	waits := 0
	for _, d := range clk.Sleeps() {
		if d > 0 && d <= 5*time.Minute {
			waits++
		}
	}
	if waits != 3 {
		t.Errorf("waited %d times (%v), want 3", waits, clk.Sleeps())
	}
}

func TestTimeline429(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json")
	tests := []struct {
		name       string
		header     func(now time.Time) string
		failures   int
		wantSleep  time.Duration
		wantErr    error
		wantCalls  int
		maxRetries int
	}{
		{name: "retry-after seconds", header: func(time.Time) string { return "7" }, failures: 1, wantSleep: 7 * time.Second, wantCalls: 2, maxRetries: 3},
		{name: "retry-after http date", header: func(now time.Time) string { return now.Add(90 * time.Second).Format(http.TimeFormat) }, failures: 2, wantSleep: 90 * time.Second, wantCalls: 3, maxRetries: 3},
		{name: "no retry-after uses the backoff", header: func(time.Time) string { return "" }, failures: 1, wantCalls: 2, maxRetries: 3},
		{name: "gives up after the retries", header: func(time.Time) string { return "1" }, failures: 100, wantSleep: time.Second, wantErr: ErrRateLimited, wantCalls: 3, maxRetries: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, all)
			clk := newFakeClock()
			var mu sync.Mutex
			calls := 0
			f.rest = func(w http.ResponseWriter, r *http.Request) bool {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls <= tt.failures {
					if v := tt.header(clk.Now()); v != "" {
						w.Header().Set("Retry-After", v)
					}
					w.WriteHeader(http.StatusTooManyRequests)
					return true
				}
				return false
			}
			c := newTestClient(t, f, clk, WithMaxRetries(tt.maxRetries))
			posts, _, err := c.Timeline(context.Background(), TimelineSpec{Kind: KindPublic}, "")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			} else if err != nil || len(posts) != 20 {
				t.Fatalf("err = %v, %d posts", err, len(posts))
			}
			if calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tt.wantCalls)
			}
			sleeps := clk.Sleeps()
			if len(sleeps) != tt.wantCalls-1 {
				t.Errorf("sleeps = %v, want %d", sleeps, tt.wantCalls-1)
			}
			if tt.wantSleep > 0 && !slices.Contains(sleeps, tt.wantSleep) {
				t.Errorf("sleeps = %v, want one of %s", sleeps, tt.wantSleep)
			}
		})
	}
}

func TestTimelineErrors(t *testing.T) {
	t.Parallel()
	all := fixtureRaw(t, "bigbone_public_timeline.json")
	tests := []struct {
		name  string
		hook  func(w http.ResponseWriter, r *http.Request) bool
		opts  []Option
		check func(t *testing.T, err error, calls int)
	}{
		{
			name: "unauthorized is permanent",
			hook: func(w http.ResponseWriter, r *http.Request) bool {
				if r.Header.Get("Authorization") != "Bearer secret-token" {
					t.Errorf("authorization header %q", r.Header.Get("Authorization"))
				}
				w.WriteHeader(http.StatusUnauthorized)
				return true
			},
			check: func(t *testing.T, err error, calls int) {
				var he *HTTPError
				if !errors.As(err, &he) || he.StatusCode != 401 || calls != 1 {
					t.Errorf("err = %v after %d calls, want one 401", err, calls)
				}
			},
		},
		{
			name: "server errors are retried",
			hook: func() func(w http.ResponseWriter, r *http.Request) bool {
				n := 0
				return func(w http.ResponseWriter, r *http.Request) bool {
					n++
					if n <= 2 {
						w.WriteHeader(http.StatusBadGateway)
						return true
					}
					return false
				}
			}(),
			check: func(t *testing.T, err error, calls int) {
				if err != nil || calls != 3 {
					t.Errorf("err = %v after %d calls, want success on the third", err, calls)
				}
			},
		},
		{
			name: "body over the cap is a typed error",
			opts: []Option{WithMaxBodyBytes(1024)},
			check: func(t *testing.T, err error, calls int) {
				if !errors.Is(err, ErrResponseTooLarge) || calls != 1 {
					t.Errorf("err = %v after %d calls, want ErrResponseTooLarge", err, calls)
				}
			},
		},
		{
			name: "invalid json",
			hook: func(w http.ResponseWriter, r *http.Request) bool {
				_, _ = w.Write([]byte(`{"error":"not an array"`))
				return true
			},
			check: func(t *testing.T, err error, calls int) {
				if err == nil || !strings.Contains(err.Error(), "decode page") {
					t.Errorf("err = %v, want a decode error", err)
				}
			},
		},
		{
			name: "rate-limit reset too far away",
			opts: []Option{WithMaxWait(time.Minute)},
			hook: func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusTooManyRequests)
				return true
			},
			check: func(t *testing.T, err error, calls int) {
				if !errors.Is(err, ErrRateLimited) || calls != 1 {
					t.Errorf("err = %v after %d calls, want ErrRateLimited at once", err, calls)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t, all)
			calls := 0
			f.rest = func(w http.ResponseWriter, r *http.Request) bool {
				calls++
				if tt.hook != nil {
					return tt.hook(w, r)
				}
				return false
			}
			c := newTestClient(t, f, newFakeClock(), tt.opts...)
			_, _, err := c.Timeline(context.Background(), TimelineSpec{Kind: KindPublic}, "")
			tt.check(t, err, calls)
		})
	}
}

func TestParseReset(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Time
		ok   bool
	}{
		{name: "mastodon iso", in: "2026-11-27T09:05:00.000Z", want: now.Add(5 * time.Minute), ok: true},
		{name: "unix seconds", in: fmt.Sprint(now.Add(time.Minute).Unix()), want: now.Add(time.Minute), ok: true},
		{name: "relative seconds", in: "30", want: now.Add(30 * time.Second), ok: true},
		{name: "empty", in: ""},
		{name: "garbage", in: "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseReset(tt.in, now)
			if ok != tt.ok || ok && !got.Equal(tt.want) {
				t.Errorf("parseReset(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCompareIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"172429", "172429", 0}, {"108914354907984653", "99999999999999999", 1},
		{"AEVUxDWdyCXmOyxOoy", "AEVUxDWdyCXmOyxOoz", -1}, {"010", "9", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			if got := compareIDs(tt.a, tt.b); got != tt.want {
				t.Errorf("compareIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
