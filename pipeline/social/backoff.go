package social

import (
	"context"
	"math/rand/v2"
	"time"
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

// Backoff computes reconnect and retry delays: exponential from Base, capped
// at Max, with "full jitter" (a uniform draw in [d/2, d]) so that many clients
// that lost the same server do not come back in step.
type Backoff struct {
	// Base is the first delay (default 1s).
	Base time.Duration
	// Max caps the delay (default 2m).
	Max time.Duration
	// Jitter returns a number in [0, 1); nil uses math/rand/v2.
	Jitter func() float64
}

// Delay returns the delay before retry number attempt (0 for the first retry).
func (b Backoff) Delay(attempt int) time.Duration {
	base, maxD := b.Base, b.Max
	if base <= 0 {
		base = time.Second
	}
	if maxD <= 0 {
		maxD = 2 * time.Minute
	}
	if maxD < base {
		maxD = base
	}
	d := base
	for i := 0; i < attempt && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	j := b.Jitter
	if j == nil {
		j = rand.Float64
	}
	half := d / 2
	return half + time.Duration(j()*float64(d-half))
}
