package bus

import (
	"testing"
	"time"
)

// TestWorkerBackoff pins the delay of NakWithDelay after n failed
// deliveries: doubling from BaseBackoff, capped at MaxBackoff, and shortened
// by at most 20%.
func TestWorkerBackoff(t *testing.T) {
	t.Parallel()
	cfg := WorkerConfig{BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	tests := []struct {
		name      string
		delivered int
		want      time.Duration
	}{
		{"first delivery failed", 1, 100 * time.Millisecond},
		{"second", 2, 200 * time.Millisecond},
		{"third", 3, 400 * time.Millisecond},
		{"capped", 10, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 100 {
				got := cfg.backoff().Delay(tt.delivered)
				if got > tt.want || got < tt.want*8/10 {
					t.Fatalf("Delay(%d) = %v, want in [%v, %v]", tt.delivered, got, tt.want*8/10, tt.want)
				}
			}
		})
	}
}
