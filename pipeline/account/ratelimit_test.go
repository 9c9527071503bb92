package account

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	type step struct {
		advance  time.Duration
		user, ip string
		wantWait time.Duration // 0: allowed
		wantKey  string
		succeed  bool // report a successful login after an allowed attempt
	}
	lim := Limits{UserBurst: 2, UserEvery: 10 * time.Second, IPBurst: 3, IPEvery: 4 * time.Second}
	tests := []struct {
		name  string
		steps []step
	}{
		{"user burst then wait", []step{
			{user: "ana", ip: "192.0.2.1"},
			{user: "ana", ip: "192.0.2.2"},
			{user: "ana", ip: "192.0.2.3", wantWait: 10 * time.Second, wantKey: "user"},
			{advance: 3 * time.Second, user: "ana", ip: "192.0.2.3", wantWait: 7 * time.Second, wantKey: "user"},
			{advance: 7 * time.Second, user: "ana", ip: "192.0.2.3"},
		}},
		{"user names are case-insensitive", []step{
			{user: "ana", ip: "192.0.2.1"},
			{user: "ANA", ip: "192.0.2.2"},
			{user: "Ana", ip: "192.0.2.3", wantWait: 10 * time.Second, wantKey: "user"},
		}},
		{"ip burst across user names", []step{
			{user: "a", ip: "198.51.100.7"},
			{user: "b", ip: "198.51.100.7:5000"},
			{user: "c", ip: "::ffff:198.51.100.7"},
			{user: "d", ip: "198.51.100.7", wantWait: 4 * time.Second, wantKey: "ip"},
			{user: "d", ip: "198.51.100.8"},
		}},
		{"ipv6 limited per /64", []step{
			{user: "a", ip: "2001:db8::1"},
			{user: "b", ip: "2001:db8::2"},
			{user: "c", ip: "[2001:db8::ffff]:443"},
			{user: "d", ip: "2001:db8::3", wantWait: 4 * time.Second, wantKey: "ip"},
			{user: "d", ip: "2001:db8:0:1::3"},
		}},
		{"refused attempts take no token", []step{
			{user: "ana", ip: "192.0.2.1"},
			{user: "ana", ip: "192.0.2.1"},
			{user: "ana", ip: "192.0.2.1", wantWait: 10 * time.Second, wantKey: "user"},
			{user: "ana", ip: "192.0.2.1", wantWait: 10 * time.Second, wantKey: "user"},
			{user: "bob", ip: "192.0.2.1"}, // the ip bucket still had one
		}},
		{"success refills the user", []step{
			{user: "ana", ip: "192.0.2.1"},
			{user: "ana", ip: "192.0.2.2", succeed: true},
			{user: "ana", ip: "192.0.2.3"},
			{user: "ana", ip: "192.0.2.4"},
			{user: "ana", ip: "192.0.2.5", wantWait: 10 * time.Second, wantKey: "user"},
		}},
		{"refill is capped at the burst", []step{
			{advance: time.Hour, user: "ana"},
			{user: "ana"},
			{user: "ana", wantWait: 10 * time.Second, wantKey: "user"},
		}},
		{"empty keys are not limited", []step{
			{}, {}, {}, {}, {},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			l := NewLimiter(lim, clock.Now)
			for i, st := range tt.steps {
				clock.Advance(st.advance)
				err := l.Attempt(st.user, st.ip)
				if st.wantWait == 0 {
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if st.succeed {
						l.Succeeded(st.user)
					}
					continue
				}
				var rl *RateLimitError
				if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
					t.Fatalf("step %d: err = %v, want a rate limit", i, err)
				}
				if rl.RetryAfter != st.wantWait || rl.Key != st.wantKey {
					t.Fatalf("step %d: retry after %v on %s, want %v on %s", i, rl.RetryAfter, rl.Key, st.wantWait, st.wantKey)
				}
				if want := fmt.Sprintf("too many login attempts: try again in %d s", int(st.wantWait.Seconds())); err.Error() != want {
					t.Fatalf("step %d: message %q, want %q", i, err.Error(), want)
				}
			}
		})
	}
}

func TestLimiterMemoryBound(t *testing.T) {
	t.Parallel()
	clock := newClock()
	l := NewLimiter(Limits{UserBurst: 1, UserEvery: time.Second, IPBurst: 1, IPEvery: time.Second, MaxKeys: 100}, clock.Now)
	for i := range 1000 {
		_ = l.Attempt(fmt.Sprintf("user%d", i), "")
		if i%10 == 0 {
			clock.Advance(2 * time.Second)
		}
	}
	if n := len(l.buckets); n > 100 {
		t.Fatalf("%d buckets kept, bound is 100", n)
	}
	// A limited key that has not refilled survives pruning.
	_ = l.Attempt("victim", "")
	for i := range 50 {
		_ = l.Attempt(fmt.Sprintf("other%d", i), "")
	}
	if err := l.Attempt("victim", ""); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("victim's bucket lost: %v", err)
	}
}
