package webhook

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestHealthObserve(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	fail := func(at time.Duration) Attempt {
		return Attempt{Time: t0.Add(at), Outcome: OutcomeRetry, Status: 500, Err: "receiver answered 500"}
	}
	ok := func(at time.Duration) Attempt {
		return Attempt{Time: t0.Add(at), Outcome: OutcomeDelivered, Status: 200}
	}
	hourly := func(from, n int) []Attempt {
		var out []Attempt
		for i := range n {
			out = append(out, fail(time.Duration(from+i)*time.Hour))
		}
		return out
	}
	tests := []struct {
		name         string
		attempts     []Attempt
		policy       DisablePolicy
		wantDisabled bool
		wantFailures int
		wantReason   string
	}{
		{"healthy", []Attempt{ok(0), ok(time.Hour)}, DisablePolicy{}, false, 0, ""},
		{"gone disables at once", []Attempt{ok(0), {Time: t0.Add(time.Hour), Outcome: OutcomeGone, Status: 410}}, DisablePolicy{}, true, 1, "410"},
		{"failing 72h hourly disables", hourly(0, 73), DisablePolicy{}, true, 73, "no successful delivery since 2026-11-27T00:00:00Z (73 failed attempts"},
		{"failing 71h is not enough", hourly(0, 72), DisablePolicy{}, false, 72, ""},
		{"long span but too few attempts", []Attempt{fail(0), fail(100 * time.Hour)}, DisablePolicy{}, false, 2, ""},
		{"a success resets the count", append(append(hourly(0, 60), ok(61*time.Hour)), hourly(62, 20)...), DisablePolicy{}, false, 20, ""},
		{"expired deliveries count as failures", []Attempt{{Time: t0, Outcome: OutcomeExpired}, {Time: t0.Add(2 * time.Hour), Outcome: OutcomeExpired}},
			DisablePolicy{After: time.Hour, MinFailures: 2}, true, 2, "2 failed attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Health
			for _, a := range tt.attempts {
				h = h.Observe(a, tt.policy)
			}
			if h.Disabled != tt.wantDisabled || h.ConsecutiveFailures != tt.wantFailures || !strings.Contains(h.DisabledReason, tt.wantReason) {
				t.Errorf("health %+v, want disabled=%v failures=%d reason ~%q", h, tt.wantDisabled, tt.wantFailures, tt.wantReason)
			}
			if h.Disabled && h.DisabledAt.IsZero() {
				t.Errorf("disabled without a date")
			}
			b, err := json.Marshal(h)
			if err != nil {
				t.Fatal(err)
			}
			var back Health
			if err := json.Unmarshal(b, &back); err != nil || back.Disabled != h.Disabled || !back.FailingSince.Equal(h.FailingSince) {
				t.Errorf("JSON round trip: %s → %+v, %v", b, back, err)
			}
		})
	}
	h := Health{}.Observe(Attempt{Time: t0, Outcome: OutcomeGone}, DisablePolicy{}).Observe(ok(time.Hour), DisablePolicy{})
	if !h.Disabled {
		t.Errorf("a success re-enabled a disabled endpoint")
	}
	if h = h.Reenable(); h.Disabled || h.ConsecutiveFailures != 0 || !h.LastSuccess.Equal(t0.Add(time.Hour)) {
		t.Errorf("Reenable gave %+v", h)
	}
}
