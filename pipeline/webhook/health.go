package webhook

import (
	"fmt"
	"time"
)

// DisablePolicy says when an endpoint has failed long enough to be
// disabled (and its owner and the admins told).
type DisablePolicy struct {
	// After is how long an endpoint must fail without a single success;
	// default 72 hours.
	After time.Duration
	// MinFailures is how many consecutive failed attempts that takes at
	// least; default 20.
	MinFailures int
}

// DefaultDisablePolicy disables an endpoint after 72 hours and at least 20
// attempts without a success.
func DefaultDisablePolicy() DisablePolicy {
	return DisablePolicy{After: 72 * time.Hour, MinFailures: 20}
}

// Health is an endpoint's delivery record, updated after every attempt
// with Observe and stored with the endpoint. Its fields are plain values,
// so it serialises as JSON.
type Health struct {
	// ConsecutiveFailures counts failed attempts since the last success.
	ConsecutiveFailures int `json:"consecutive_failures"`
	// FailingSince is the first failed attempt since the last success.
	FailingSince time.Time `json:"failing_since,omitzero"`
	// LastSuccess is the last delivered attempt.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// Disabled is set once the endpoint must receive nothing more until
	// someone re-enables it.
	Disabled bool `json:"disabled"`
	// DisabledReason says why, for the notice to admins and subscriber.
	DisabledReason string `json:"disabled_reason,omitempty"`
	// DisabledAt is when it was disabled.
	DisabledAt time.Time `json:"disabled_at,omitzero"`
}

// Observe returns h updated with attempt a under policy p (zero fields take
// DefaultDisablePolicy's). A 410 Gone disables at once; otherwise the
// endpoint is disabled when it has failed for at least p.After and
// p.MinFailures attempts without a success. Observe never re-enables.
func (h Health) Observe(a Attempt, p DisablePolicy) Health {
	d := DefaultDisablePolicy()
	if p.After <= 0 {
		p.After = d.After
	}
	if p.MinFailures <= 0 {
		p.MinFailures = d.MinFailures
	}
	switch a.Outcome {
	case OutcomeDelivered:
		h.ConsecutiveFailures, h.FailingSince, h.LastSuccess = 0, time.Time{}, a.Time
		return h
	case OutcomeGone:
		h.ConsecutiveFailures++
		if h.FailingSince.IsZero() {
			h.FailingSince = a.Time
		}
		if !h.Disabled {
			h.Disabled, h.DisabledAt = true, a.Time
			h.DisabledReason = "the receiver answered 410 Gone"
		}
		return h
	}
	h.ConsecutiveFailures++
	if h.FailingSince.IsZero() {
		h.FailingSince = a.Time
	}
	if !h.Disabled && h.ConsecutiveFailures >= p.MinFailures && a.Time.Sub(h.FailingSince) >= p.After {
		h.Disabled, h.DisabledAt = true, a.Time
		h.DisabledReason = fmt.Sprintf("no successful delivery since %s (%d failed attempts; last: %s)",
			h.FailingSince.UTC().Format(time.RFC3339), h.ConsecutiveFailures, a.Err)
	}
	return h
}

// Reenable returns h cleared, for when someone re-enables the endpoint.
func (h Health) Reenable() Health { return Health{LastSuccess: h.LastSuccess} }
