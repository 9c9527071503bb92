package retry

import (
	"testing"
	"time"
)

func TestBackoffStep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    Backoff
		n    int
		want time.Duration
	}{
		{"first failure is Base", Backoff{Base: time.Second, Max: time.Minute}, 1, time.Second},
		{"zero failures as first", Backoff{Base: time.Second, Max: time.Minute}, 0, time.Second},
		{"negative failures as first", Backoff{Base: time.Second, Max: time.Minute}, -3, time.Second},
		{"doubles by default", Backoff{Base: time.Second, Max: time.Minute}, 4, 8 * time.Second},
		{"multiplier", Backoff{Base: 5 * time.Second, Max: 4 * time.Hour, Multiplier: 4}, 5, 1280 * time.Second},
		{"multiplier one is constant", Backoff{Base: time.Second, Max: time.Minute, Multiplier: 1}, 9, time.Second},
		{"multiplier below one is two", Backoff{Base: time.Second, Max: time.Minute, Multiplier: 0.5}, 3, 4 * time.Second},
		{"capped", Backoff{Base: time.Second, Max: 10 * time.Second}, 30, 10 * time.Second},
		{"huge n does not overflow", Backoff{Base: time.Second, Max: time.Hour}, 1 << 30, time.Hour},
		{"max below base is base", Backoff{Base: time.Second, Max: time.Millisecond}, 3, time.Second},
		{"no max is base", Backoff{Base: time.Second}, 3, time.Second},
		{"zero value never waits", Backoff{}, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Step(tt.n); got != tt.want {
				t.Errorf("Step(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}

func TestJitterSpread(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		j    Jitter
		d    time.Duration
		r    float64
		want time.Duration
	}{
		{"none", Jitter{}, time.Second, 0.7, time.Second},
		{"equal, low end", EqualJitter, time.Second, 0, 500 * time.Millisecond},
		{"equal, middle", EqualJitter, 4 * time.Second, 0.5, 3 * time.Second},
		{"equal, high end", EqualJitter, time.Second, 0.999999, 999999500 * time.Nanosecond},
		{"symmetric, low end", Jitter{Down: 0.2, Up: 0.2}, 5 * time.Second, 0, 4 * time.Second},
		{"symmetric, middle is exact", Jitter{Down: 0.2, Up: 0.2}, 5 * time.Second, 0.5, 5 * time.Second},
		{"symmetric, high end", Jitter{Down: 0.2, Up: 0.2}, 5 * time.Second, 0.999999, 6*time.Second - 2*time.Microsecond},
		{"down only", Jitter{Down: 0.2}, 10 * time.Second, 0, 8 * time.Second},
		{"draw above one is one", EqualJitter, time.Second, 7, time.Second},
		{"negative draw is zero", EqualJitter, time.Second, -1, 500 * time.Millisecond},
		{"down above one is one", Jitter{Down: 3}, time.Second, 0, 0},
		{"zero delay", EqualJitter, 0, 0.5, 0},
		{"negative delay", EqualJitter, -time.Second, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.j.Spread(tt.d, tt.r); got != tt.want {
				t.Errorf("Spread(%v, %v) = %v, want %v", tt.d, tt.r, got, tt.want)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	t.Run("injected draw", func(t *testing.T) {
		b := Backoff{Base: time.Second, Max: time.Minute, Jitter: EqualJitter, Rand: func() float64 { return 0.5 }}
		if got := b.Delay(3); got != 3*time.Second {
			t.Errorf("Delay(3) = %v, want 3s", got)
		}
	})
	t.Run("real draw stays in range", func(t *testing.T) {
		b := Backoff{Base: 100 * time.Millisecond, Max: time.Second, Jitter: EqualJitter}
		for range 1000 {
			if d := b.Delay(2); d < 100*time.Millisecond || d >= 200*time.Millisecond {
				t.Fatalf("Delay(2) = %v outside [100ms, 200ms)", d)
			}
		}
	})
}

func TestBackoffOr(t *testing.T) {
	t.Parallel()
	def := Backoff{Base: time.Minute, Max: 24 * time.Hour, Multiplier: 3, Jitter: EqualJitter, Rand: func() float64 { return 0 }}
	tests := []struct {
		name string
		b    Backoff
		n    int
		want time.Duration
	}{
		{"all defaults", Backoff{}, 2, 90 * time.Second},
		{"own base", Backoff{Base: time.Second}, 1, 500 * time.Millisecond},
		{"own max", Backoff{Max: 2 * time.Minute}, 5, time.Minute},
		{"own jitter", Backoff{Jitter: Jitter{Down: 0.1}}, 1, 54 * time.Second},
		{"own draw", Backoff{Rand: func() float64 { return 0.5 }}, 1, 45 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Or(def).Delay(tt.n); got != tt.want {
				t.Errorf("Delay(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}

func BenchmarkBackoffDelay(b *testing.B) {
	bo := Backoff{Base: 200 * time.Millisecond, Max: 30 * time.Second, Jitter: Jitter{Down: 0.2}}
	for b.Loop() {
		_ = bo.Delay(7)
	}
}
