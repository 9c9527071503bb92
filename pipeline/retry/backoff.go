package retry

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff computes the delay before retrying after n consecutive failures:
// Base·Multiplier^(n−1), capped at Max, then spread by Jitter so that clients
// failing together do not retry together.
//
// The zero value never waits; callers give Base and Max (Or fills the fields
// a caller left zero from its defaults).
type Backoff struct {
	// Base is the delay after the first failure.
	Base time.Duration
	// Max caps the delay before jitter. A Max below Base is taken as Base.
	Max time.Duration
	// Multiplier grows the delay after each further failure; below 1 (the
	// zero value included) it is 2.
	Multiplier float64
	// Jitter spreads each delay; the zero value keeps it exact.
	Jitter Jitter
	// Rand returns a number in [0, 1) that draws the jitter; nil uses
	// math/rand/v2.
	Rand func() float64
}

// Jitter spreads a delay d uniformly over [d·(1−Down), d·(1+Up)).
type Jitter struct {
	// Down is the largest fraction of d taken off (0 to 1).
	Down float64
	// Up is the largest fraction of d added (0 or more).
	Up float64
}

// EqualJitter keeps half of the delay and draws the other half: [d/2, d).
// It keeps a floor while spreading retries.
var EqualJitter = Jitter{Down: 0.5}

// Or returns b with every zero field taken from def: Base, Max, Multiplier,
// Jitter (when b has none) and Rand.
func (b Backoff) Or(def Backoff) Backoff {
	if b.Base <= 0 {
		b.Base = def.Base
	}
	if b.Max <= 0 {
		b.Max = def.Max
	}
	if b.Multiplier < 1 {
		b.Multiplier = def.Multiplier
	}
	if b.Jitter == (Jitter{}) {
		b.Jitter = def.Jitter
	}
	if b.Rand == nil {
		b.Rand = def.Rand
	}
	return b
}

// Step returns the delay after n consecutive failures before jitter: Base for
// n ≤ 1, then multiplied by Multiplier for each further failure, capped at
// Max. It never overflows, whatever n.
func (b Backoff) Step(n int) time.Duration {
	if b.Base <= 0 {
		return 0
	}
	maxD := max(b.Max, b.Base)
	mult := b.Multiplier
	if mult < 1 {
		mult = 2
	}
	if n < 1 {
		n = 1
	}
	d := float64(b.Base) * math.Pow(mult, float64(n-1))
	if math.IsInf(d, 0) || math.IsNaN(d) || d >= float64(maxD) {
		return maxD
	}
	return time.Duration(d)
}

// Delay returns the delay after n consecutive failures (1 for the first):
// Step(n) spread by Jitter with a draw from Rand.
func (b Backoff) Delay(n int) time.Duration {
	r := b.Rand
	if r == nil {
		r = rand.Float64
	}
	return b.DelayAt(n, r())
}

// DelayAt is Delay with the random draw r in [0, 1) given by the caller.
func (b Backoff) DelayAt(n int, r float64) time.Duration {
	return b.Jitter.Spread(b.Step(n), r)
}

// Spread returns d moved within [d·(1−Down), d·(1+Up)) by r in [0, 1): r = 0
// gives the low end. It never returns a negative delay.
func (j Jitter) Spread(d time.Duration, r float64) time.Duration {
	if d <= 0 || j == (Jitter{}) {
		return max(d, 0)
	}
	down := min(max(j.Down, 0), 1)
	up := max(j.Up, 0)
	lo := d - time.Duration(float64(d)*down)
	span := float64(d) * (down + up)
	return lo + time.Duration(min(max(r, 0), 1)*span)
}
