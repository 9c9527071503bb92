package fetch

import (
	"math/rand/v2"
	"time"
)

// Backoff computes retry delays that grow exponentially with the number of
// consecutive failures, with jitter so that sources failing together do not
// retry together. Rand is injected for deterministic tests; nil uses
// math/rand/v2.
type Backoff struct {
	// Base is the delay after the first failure (default 1 minute).
	Base time.Duration
	// Max caps the delay (default 24 hours).
	Max time.Duration
	// Rand returns a number in [0, 1); nil uses rand.Float64.
	Rand func() float64
}

// Delay returns the delay before the next attempt after failures
// consecutive failures (1 for the first). The result lies in
// [d/2, d) where d = min(Max, Base·2^(failures-1)): "equal jitter", which
// keeps a floor while spreading retries.
func (b Backoff) Delay(failures int) time.Duration {
	base, maxD := b.Base, b.Max
	if base <= 0 {
		base = time.Minute
	}
	if maxD <= 0 {
		maxD = 24 * time.Hour
	}
	d := base
	for i := 1; i < failures && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	r := b.Rand
	if r == nil {
		r = rand.Float64
	}
	half := d / 2
	return half + time.Duration(r()*float64(d-half))
}

// PollHints are what a fetch taught about when to poll a source again.
type PollHints struct {
	// Interval is the source's configured polling interval.
	Interval time.Duration
	// TTL is the feed's own <ttl> (RSS) or similar hint.
	TTL time.Duration
	// MaxAge is Response.MaxAge (Cache-Control / Expires).
	MaxAge time.Duration
	// RetryAfter is Response.RetryAfter or StatusError.RetryAfter.
	RetryAfter time.Duration
}

// NextPoll returns the delay before polling a source again: the largest of
// its interval, the feed's TTL, the cache lifetime and Retry-After (each
// capped at MaxRetryAfter), plus up to 10% jitter from rnd (nil uses
// math/rand/v2) so that sources added together spread out.
func NextPoll(h PollHints, rnd func() float64) time.Duration {
	d := max(h.Interval, min(h.TTL, MaxRetryAfter), min(h.MaxAge, MaxRetryAfter))
	if d <= 0 {
		d = 15 * time.Minute
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	d += time.Duration(rnd() * float64(d) / 10)
	// Retry-After is a floor set by the server: never poll before it.
	return max(d, min(h.RetryAfter, MaxRetryAfter))
}
