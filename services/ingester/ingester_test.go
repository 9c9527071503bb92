package ingester

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/fetch"
	"vigie/pipeline/fixtures"
	"vigie/pipeline/retry"
	"vigie/pipeline/source"
)

// fixtureFeed is a real RSS feed (Jornal de Notícias, ISO-8859-1).
func fixtureFeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(fixtures.Path("feeds", "rssparser_jn_pt_rss_iso8859-1.rss"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newService(t *testing.T, b *bus.Bus, mod func(*Options)) *Service {
	t.Helper()
	opts := Options{Fetch: fetch.Config{AllowPrivateNetworks: true, Timeout: 5 * time.Second}, Backoff: retry.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(context.Background(), b, opts, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func items(t *testing.T, b *bus.Bus) uint64 {
	t.Helper()
	st, _ := b.JS.Stream(context.Background(), bus.StreamItems)
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func feedSource(id, url string, interval time.Duration) source.Source {
	return source.Source{ID: id, Name: id, Kind: source.KindFeed, URL: url, Interval: interval}
}

func TestNotModifiedPublishesNothing(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	body := fixtureFeed(t)
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	svc := newService(t, b, nil)
	src := feedSource("jn", srv.URL, time.Hour)
	ctx := context.Background()
	n, err := svc.Poll(ctx, src)
	if err != nil || n == 0 {
		t.Fatalf("first poll: %d items, %v", n, err)
	}
	before := items(t, b)
	n, err = svc.Poll(ctx, src)
	if err != nil || n != 0 {
		t.Fatalf("poll answered 304: %d items, %v", n, err)
	}
	if conditional.Load() != 1 {
		t.Fatalf("the second request was not conditional")
	}
	if got := items(t, b); got != before {
		t.Fatalf("ITEMS grew from %d to %d on a 304", before, got)
	}
	st, _, _ := svc.Registry().State(ctx, "jn")
	if st.Status != source.StatusOK || st.ETag != `"v1"` || !st.NextFetch.After(time.Now().Add(50*time.Minute)) {
		t.Fatalf("state after 304: %+v", st)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	tests := []struct {
		name       string
		status     int
		retryAfter string
		atLeast    time.Duration
	}{
		{"429 with seconds", http.StatusTooManyRequests, "120", 120 * time.Second},
		{"503 with an HTTP date", http.StatusServiceUnavailable, time.Now().Add(10 * time.Minute).UTC().Format(http.TimeFormat), 9 * time.Minute},
		{"429 without header backs off", http.StatusTooManyRequests, "", time.Millisecond / 2},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			svc := newService(t, b, nil)
			id := fmt.Sprintf("s%d", i)
			start := time.Now()
			if _, err := svc.Poll(context.Background(), feedSource(id, srv.URL, time.Second)); err == nil {
				t.Fatal("poll of a refusing server succeeded")
			}
			st, _, _ := svc.Registry().State(context.Background(), id)
			if st.Status != source.StatusError || !strings.Contains(st.LastError, fmt.Sprint(tt.status)) {
				t.Fatalf("state: %+v", st)
			}
			if st.NextFetch.Sub(start) < tt.atLeast {
				t.Fatalf("next fetch in %v, want at least %v", st.NextFetch.Sub(start), tt.atLeast)
			}
		})
	}
}

func TestPerHostLimit(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	body := fixtureFeed(t)
	var inFlight, maxInFlight, requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		requests.Add(1)
		time.Sleep(20 * time.Millisecond)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	svc := newService(t, b, func(o *Options) { o.PerHost = 2 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < 50; i++ {
		if err := svc.Registry().Put(ctx, feedSource(fmt.Sprintf("s%02d", i), fmt.Sprintf("%s/feed/%d", srv.URL, i), time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	bustest.Eventually(t, 30*time.Second, "50 sources fetched", func() bool { return requests.Load() >= 50 })
	cancel()
	<-done
	if m := maxInFlight.Load(); m > 2 || m < 1 {
		t.Fatalf("at most %d concurrent requests to one host, want 1 to 2", m)
	}
}

func TestDisabledAfterFailures(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer srv.Close()
	svc := newService(t, b, func(o *Options) { o.MaxFailures = 3 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := svc.Registry().Put(ctx, feedSource("broken", srv.URL, time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	go func() { _ = svc.Run(ctx) }()
	var st source.State
	bustest.Eventually(t, 20*time.Second, "source disabled", func() bool {
		st, _, _ = svc.Registry().State(ctx, "broken")
		return st.Status == source.StatusDisabled
	})
	if !strings.Contains(st.LastError, "disabled after 3 consecutive failures") || !strings.Contains(st.LastError, "500") {
		t.Fatalf("reason not kept: %q", st.LastError)
	}
	n := requests.Load()
	if n != 3 {
		t.Fatalf("%d requests before disabling, want 3", n)
	}
}

// TestTwoIngestersShareSources: two ingester processes (two services with
// their own owners) never fetch one source within one interval.
func TestTwoIngestersShareSources(t *testing.T) {
	t.Parallel()
	ns := bustest.Server(t)
	b1 := bustest.Bus(t, ns, bus.DefaultTopology())
	b2 := bustest.Bus(t, ns, bus.DefaultTopology())
	body := fixtureFeed(t)
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	s1 := newService(t, b1, func(o *Options) { o.Owner = "one" })
	s2 := newService(t, b2, func(o *Options) { o.Owner = "two" })
	const interval = 300 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s1.Registry().Put(ctx, feedSource("shared", srv.URL, interval)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, s := range []*Service{s1, s2} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.Run(ctx) }()
	}
	bustest.Eventually(t, 20*time.Second, "six fetches", func() bool { mu.Lock(); defer mu.Unlock(); return len(times) >= 6 })
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < interval-20*time.Millisecond {
			t.Errorf("fetches %d and %d only %v apart, interval %v", i-1, i, gap, interval)
		}
	}
	if items(t, b1) == 0 {
		t.Fatal("nothing published")
	}
}
