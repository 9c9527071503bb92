package fetch

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
)

// HostLimiter bounds the number of concurrent fetches per host, so that
// fifty sources on one site are fetched a few at a time. The zero value is
// not usable; call NewHostLimiter. It is safe for concurrent use.
type HostLimiter struct {
	perHost int
	mu      sync.Mutex
	hosts   map[string]*hostSlot
}

type hostSlot struct {
	sem  chan struct{}
	refs int // holders plus waiters; the slot is dropped at zero
}

// NewHostLimiter returns a limiter allowing perHost concurrent holders per
// host (at least 1).
func NewHostLimiter(perHost int) *HostLimiter {
	return &HostLimiter{perHost: max(perHost, 1), hosts: map[string]*hostSlot{}}
}

// HostKey returns the key HostLimiter uses for a URL's host: the lower-cased
// host name without port, so "Example.com:443" and "example.com" share a slot.
func HostKey(host string) string {
	h := strings.ToLower(strings.TrimSpace(host))
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	return strings.TrimSuffix(strings.Trim(h, "[]"), ".")
}

// Acquire blocks until a slot for host is free or ctx is done. Every
// successful Acquire must be paired with one Release of the same host.
func (l *HostLimiter) Acquire(ctx context.Context, host string) error {
	key := HostKey(host)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("acquire host slot %q: %w", key, err)
	}
	l.mu.Lock()
	s := l.hosts[key]
	if s == nil {
		s = &hostSlot{sem: make(chan struct{}, l.perHost)}
		l.hosts[key] = s
	}
	s.refs++
	l.mu.Unlock()
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		l.unref(key, s)
		return fmt.Errorf("acquire host slot %q: %w", key, ctx.Err())
	}
}

// Release frees the slot taken by Acquire for host. Releasing a host that
// holds no slot panics, as unlocking an unlocked mutex does.
func (l *HostLimiter) Release(host string) {
	key := HostKey(host)
	l.mu.Lock()
	s := l.hosts[key]
	l.mu.Unlock()
	if s == nil {
		panic("fetch: HostLimiter.Release of a host without a slot: " + key)
	}
	select {
	case <-s.sem:
	default:
		panic("fetch: HostLimiter.Release without Acquire: " + key)
	}
	l.unref(key, s)
}

func (l *HostLimiter) unref(key string, s *hostSlot) {
	l.mu.Lock()
	s.refs--
	if s.refs == 0 && l.hosts[key] == s {
		delete(l.hosts, key)
	}
	l.mu.Unlock()
}

// InUse returns the number of slots held for host, for metrics and tests.
func (l *HostLimiter) InUse(host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.hosts[HostKey(host)]; s != nil {
		return len(s.sem)
	}
	return 0
}
