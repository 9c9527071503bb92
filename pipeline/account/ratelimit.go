package account

import (
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limits are the token buckets of the login rate limit: a burst of attempts,
// then one more per interval.
type Limits struct {
	// UserBurst attempts per user name, then one per UserEvery.
	UserBurst int
	UserEvery time.Duration
	// IPBurst attempts per client address (IPv6: per /64), then one per IPEvery.
	IPBurst int
	IPEvery time.Duration
	// MaxKeys bounds memory: past it, buckets that have refilled are dropped.
	MaxKeys int
}

// DefaultLimits: 5 attempts per user name then one every 30 s; 20 per
// address then one every 5 s.
func DefaultLimits() Limits {
	return Limits{UserBurst: 5, UserEvery: 30 * time.Second, IPBurst: 20, IPEvery: 5 * time.Second, MaxKeys: 100_000}
}

// Limiter is the login rate limit: one token bucket per user name and one
// per client address. Every attempt takes a token from both; a successful
// login refills the user's bucket. Safe for concurrent use.
type Limiter struct {
	lim     Limits
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a Limiter with the given limits and clock (nil: time.Now).
func NewLimiter(lim Limits, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if lim.MaxKeys <= 0 {
		lim.MaxKeys = DefaultLimits().MaxKeys
	}
	return &Limiter{lim: lim, now: now, buckets: make(map[string]*bucket)}
}

// Attempt takes one token from the user's and the address's bucket, or
// returns a *RateLimitError saying when to try again (and takes nothing).
// An empty user or ip is not limited on that key.
func (l *Limiter) Attempt(user, ip string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	type take struct {
		key   string
		b     *bucket
		kind  string
		every time.Duration
	}
	var takes []take
	if user != "" && l.lim.UserBurst > 0 {
		k := "u:" + strings.ToLower(user)
		takes = append(takes, take{k, l.refill(k, now, l.lim.UserBurst, l.lim.UserEvery), "user", l.lim.UserEvery})
	}
	if key := ipKey(ip); key != "" && l.lim.IPBurst > 0 {
		k := "i:" + key
		takes = append(takes, take{k, l.refill(k, now, l.lim.IPBurst, l.lim.IPEvery), "ip", l.lim.IPEvery})
	}
	var worst *RateLimitError
	for _, t := range takes {
		if t.b.tokens >= 1 {
			continue
		}
		wait := time.Duration(math.Ceil((1-t.b.tokens)*float64(t.every)/float64(time.Second))) * time.Second
		if worst == nil || wait > worst.RetryAfter {
			worst = &RateLimitError{RetryAfter: wait, Key: t.kind}
		}
	}
	if worst != nil {
		return worst
	}
	for _, t := range takes {
		t.b.tokens--
	}
	return nil
}

// Succeeded refills the bucket of user after a successful login.
func (l *Limiter) Succeeded(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, "u:"+strings.ToLower(user))
}

// refill returns the bucket of key topped up to now; the caller holds mu.
func (l *Limiter) refill(key string, now time.Time, burst int, every time.Duration) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.lim.MaxKeys {
			l.prune(now)
		}
		b = &bucket{tokens: float64(burst), at: now}
		l.buckets[key] = b
		return b
	}
	if every > 0 && now.After(b.at) {
		b.tokens = math.Min(float64(burst), b.tokens+float64(now.Sub(b.at))/float64(every))
	}
	b.at = now
	return b
}

// prune drops buckets that would be full by now; if that frees nothing it
// drops everything (memory wins over an attacker cycling keys).
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		burst, every := l.lim.IPBurst, l.lim.IPEvery
		if strings.HasPrefix(k, "u:") {
			burst, every = l.lim.UserBurst, l.lim.UserEvery
		}
		if every <= 0 || b.tokens+float64(now.Sub(b.at))/float64(every) >= float64(burst) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.lim.MaxKeys {
		clear(l.buckets)
	}
}

// ipKey normalises a client address (with or without port): IPv6 to its /64.
func ipKey(ip string) string {
	if ip == "" {
		return ""
	}
	if ap, err := netip.ParseAddrPort(ip); err == nil {
		ip = ap.Addr().String()
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
