package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/pipeline/retry"
)

func TestHostKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Example.COM", "example.com"},
		{"example.com:443", "example.com"},
		{"example.com.", "example.com"},
		{"[::1]:8080", "::1"},
		{"::1", "::1"},
		{"127.0.0.1:80", "127.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := HostKey(tc.in); got != tc.want {
				t.Errorf("HostKey(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHostLimiter(t *testing.T) {
	t.Parallel()
	t.Run("waits for a free slot and honours ctx", func(t *testing.T) {
		l := NewHostLimiter(1)
		ctx := context.Background()
		if err := l.Acquire(ctx, "a.test"); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if err := l.Acquire(short, "A.test:443"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second Acquire = %v, want deadline exceeded", err)
		}
		if err := l.Acquire(ctx, "b.test"); err != nil {
			t.Fatalf("other host blocked: %v", err)
		}
		l.Release("b.test")
		l.Release("a.test")
		if err := l.Acquire(ctx, "a.test"); err != nil {
			t.Fatal(err)
		}
		l.Release("a.test")
		if n := len(l.hosts); n != 0 {
			t.Fatalf("%d host slots left after all releases", n)
		}
	})
	t.Run("cancelled context never acquires", func(t *testing.T) {
		l := NewHostLimiter(5)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for range 20 {
			if err := l.Acquire(ctx, "c.test"); !errors.Is(err, context.Canceled) {
				t.Fatalf("Acquire = %v, want canceled", err)
			}
		}
		if l.InUse("c.test") != 0 {
			t.Fatal("slot taken")
		}
	})
	t.Run("release without acquire panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		NewHostLimiter(2).Release("x.test")
	})
}

// TestPolitenessFiftySourcesOneHost fetches 50 feeds on one host through
// the client and a HostLimiter of 3: the server never sees more than 3
// requests at once, and every feed is fetched.
func TestPolitenessFiftySourcesOneHost(t *testing.T) {
	t.Parallel()
	const perHost, sources = 3, 50
	var cur, peak, served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		defer cur.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond) // hold the slot so overlaps would show
		served.Add(1)
		fmt.Fprintf(w, "<rss><channel><title>%s</title></channel></rss>", r.URL.Path)
	}))
	defer srv.Close()
	c := localClient(srv, Config{})
	l := NewHostLimiter(perHost)
	var wg sync.WaitGroup
	errs := make(chan error, sources)
	for i := range sources {
		wg.Go(func() {
			u := fmt.Sprintf("%s/feed/%d", srv.URL, i)
			pu, _ := url.Parse(u)
			if err := l.Acquire(context.Background(), pu.Host); err != nil {
				errs <- err
				return
			}
			defer l.Release(pu.Host)
			if _, err := c.Get(context.Background(), u, Validators{}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := served.Load(); got != sources {
		t.Fatalf("served %d, want %d", got, sources)
	}
	if got := peak.Load(); got > perHost || got < 1 {
		t.Fatalf("peak concurrency %d, want 1..%d", got, perHost)
	}
}

func TestNextPoll(t *testing.T) {
	t.Parallel()
	zero := func() float64 { return 0 }
	tests := []struct {
		name string
		h    PollHints
		rnd  func() float64
		want time.Duration
	}{
		{"interval only", PollHints{Interval: 15 * time.Minute}, zero, 15 * time.Minute},
		{"ttl longer than interval", PollHints{Interval: 15 * time.Minute, TTL: time.Hour}, zero, time.Hour},
		{"ttl shorter than interval", PollHints{Interval: 15 * time.Minute, TTL: 5 * time.Minute}, zero, 15 * time.Minute},
		{"max-age", PollHints{Interval: 10 * time.Minute, MaxAge: 30 * time.Minute}, zero, 30 * time.Minute},
		{"retry-after floor", PollHints{Interval: 10 * time.Minute, RetryAfter: 2 * time.Hour}, zero, 2 * time.Hour},
		{"jitter up to 10%", PollHints{Interval: 10 * time.Minute}, func() float64 { return 0.5 }, 10*time.Minute + 30*time.Second},
		{"default interval", PollHints{}, zero, 15 * time.Minute},
		{"absurd ttl capped", PollHints{TTL: 1000 * 24 * time.Hour}, zero, retry.MaxAfter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextPoll(tc.h, tc.rnd); got != tc.want {
				t.Errorf("NextPoll = %v, want %v", got, tc.want)
			}
		})
	}
}
