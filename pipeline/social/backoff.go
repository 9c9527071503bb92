package social

import (
	"context"
	"time"

	"vigie/pipeline/retry"
)

// Clock is the time source the clients wait on. Tests inject a fake one so
// that rate-limit waits and reconnect backoff never sleep for real.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d or until ctx ends, returning ctx.Err() in that case.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real Clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// DefaultBackoff spaces the clients' reconnects and retries: 1 s, doubling
// with each consecutive failure up to 2 min, with equal jitter so that many
// clients that lost the same server do not come back in step. A client fills
// the fields its caller left zero from it.
var DefaultBackoff = retry.Backoff{Base: time.Second, Max: 2 * time.Minute, Jitter: retry.EqualJitter}
