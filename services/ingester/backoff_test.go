package ingester

import (
	"testing"
	"time"

	"vigie/pipeline/retry"
)

// TestSourceBackoff pins the delays between a failing source's retries:
// a configured base and cap, the default equal jitter, and the defaults.
func TestSourceBackoff(t *testing.T) {
	t.Parallel()
	fixed := func(v float64) func() float64 { return func() float64 { return v } }
	b := retry.Backoff{Base: time.Second, Max: time.Minute}.Or(DefaultBackoff)
	tests := []struct {
		name     string
		rnd      float64
		failures int
		want     time.Duration
	}{
		{"first failure low", 0, 1, 500 * time.Millisecond},
		{"first failure high", 0.999999, 1, 999999500 * time.Nanosecond},
		{"third failure mid", 0.5, 3, 3 * time.Second},
		{"capped", 0, 30, 30 * time.Second},
		{"capped high", 0.5, 1000, 45 * time.Second},
		{"zero failures as first", 0, 0, 500 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bb := b
			bb.Rand = fixed(tc.rnd)
			if got := bb.Delay(tc.failures); got != tc.want {
				t.Errorf("Delay(%d) = %v, want %v", tc.failures, got, tc.want)
			}
		})
	}
	t.Run("defaults and range with real rand", func(t *testing.T) {
		d := retry.Backoff{}.Or(DefaultBackoff)
		for f := 1; f < 40; f++ {
			full := min(time.Minute<<min(f-1, 20), 24*time.Hour)
			got := d.Delay(f)
			if got < full/2 || got >= full {
				t.Fatalf("Delay(%d) = %v outside [%v, %v)", f, got, full/2, full)
			}
		}
	})
}
