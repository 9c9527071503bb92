package social

import (
	"context"
	"errors"
	"testing"
	"time"

	"vigie/pipeline/retry"
)

// TestDefaultBackoff pins the clients' reconnect delays: attempt counts the
// retries already made (0 for the first), as the clients count them.
func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		b       retry.Backoff
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{name: "first retry, no jitter draw", b: retry.Backoff{Base: time.Second, Max: time.Minute}, attempt: 0, jitter: 0, want: 500 * time.Millisecond},
		{name: "first retry, top of range", b: retry.Backoff{Base: time.Second, Max: time.Minute}, attempt: 0, jitter: 0.999999999, want: time.Second},
		{name: "doubles", b: retry.Backoff{Base: time.Second, Max: time.Minute}, attempt: 3, jitter: 0, want: 4 * time.Second},
		{name: "capped", b: retry.Backoff{Base: time.Second, Max: 10 * time.Second}, attempt: 30, jitter: 0, want: 5 * time.Second},
		{name: "huge attempt does not overflow", b: retry.Backoff{Base: time.Second, Max: time.Hour}, attempt: 1 << 30, jitter: 0.5, want: 45 * time.Minute},
		{name: "defaults", b: retry.Backoff{}, attempt: 0, jitter: 0, want: 500 * time.Millisecond},
		{name: "max below base", b: retry.Backoff{Base: time.Second, Max: time.Millisecond}, attempt: 2, jitter: 0, want: 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b.Or(DefaultBackoff)
			b.Rand = func() float64 { return tt.jitter }
			got := b.Delay(tt.attempt + 1)
			if diff := got - tt.want; diff < -time.Microsecond || diff > time.Microsecond {
				t.Errorf("Delay(%d) = %s, want %s", tt.attempt+1, got, tt.want)
			}
		})
	}
	t.Run("random jitter stays in range", func(t *testing.T) {
		b := retry.Backoff{Base: 100 * time.Millisecond, Max: time.Second}.Or(DefaultBackoff)
		for i := 0; i < 1000; i++ {
			if d := b.Delay(3); d < 200*time.Millisecond || d > 400*time.Millisecond {
				t.Fatalf("Delay(3) = %s outside [200ms, 400ms]", d)
			}
		}
	})
}

func TestSystemClockSleep(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (SystemClock{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := (SystemClock{}).Sleep(context.Background(), time.Microsecond); err != nil {
		t.Errorf("short Sleep = %v", err)
	}
}
