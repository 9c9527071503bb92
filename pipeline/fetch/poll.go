package fetch

import (
	"math/rand/v2"
	"time"

	"vigie/pipeline/retry"
)

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
// capped at retry.MaxAfter), plus up to 10% jitter from rnd (nil uses
// math/rand/v2) so that sources added together spread out.
func NextPoll(h PollHints, rnd func() float64) time.Duration {
	d := max(h.Interval, min(h.TTL, retry.MaxAfter), min(h.MaxAge, retry.MaxAfter))
	if d <= 0 {
		d = 15 * time.Minute
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	d += time.Duration(rnd() * float64(d) / 10)
	// Retry-After is a floor set by the server: never poll before it.
	return max(d, min(h.RetryAfter, retry.MaxAfter))
}
