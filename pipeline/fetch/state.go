package fetch

import (
	"errors"
	"time"
)

// DefaultMaxFailures is the number of consecutive failures after which
// SourceState disables a source.
const DefaultMaxFailures = 10

// SourceState is the fetch state of one source that the scheduler keeps
// (in a KV bucket) between polls: validators for the next conditional GET,
// the failure streak and its reason, and when to poll next. Its methods
// are pure functions of their inputs, so the scheduler stays deterministic
// under test.
type SourceState struct {
	// Validators are sent with the next request.
	Validators Validators `json:"validators"`
	// Failures counts consecutive failures; a success resets it.
	Failures int `json:"failures"`
	// LastError is the last failure's message, kept for the sources API.
	LastError string `json:"last_error,omitempty"`
	// LastErrorKind is ErrorKind of the last failure ("blocked", "status"…).
	LastErrorKind string `json:"last_error_kind,omitempty"`
	// Disabled is set after too many consecutive failures (or a refused
	// destination); DisabledReason says why.
	Disabled       bool   `json:"disabled,omitempty"`
	DisabledReason string `json:"disabled_reason,omitempty"`
	// LastFetch is when the source was last fetched successfully.
	LastFetch time.Time `json:"last_fetch"`
	// NextPoll is when to poll next.
	NextPoll time.Time `json:"next_poll"`
}

// Policy tunes SourceState.
type Policy struct {
	// Interval is the source's polling interval (default 15 minutes).
	Interval time.Duration
	// MaxFailures disables a source after that many consecutive failures
	// (default DefaultMaxFailures).
	MaxFailures int
	// Backoff spaces retries after failures.
	Backoff Backoff
	// Rand is the jitter source for NextPoll; nil uses math/rand/v2.
	Rand func() float64
}

// Success records a fetch that returned resp (a 2xx or a 304) at now, with
// the feed's TTL (zero if unknown), and schedules the next poll.
func (s *SourceState) Success(resp *Response, ttl time.Duration, now time.Time, p Policy) {
	s.Failures, s.LastError, s.LastErrorKind = 0, "", ""
	s.LastFetch = now
	s.Validators = Validators{ETag: resp.ETag, LastModified: resp.LastModified}
	s.NextPoll = now.Add(NextPoll(PollHints{Interval: p.Interval, TTL: ttl, MaxAge: resp.MaxAge, RetryAfter: resp.RetryAfter}, p.Rand))
}

// Failure records a failed fetch at now: the streak grows, the reason is
// kept, the next poll is pushed back by the backoff (or the server's
// Retry-After, whichever is later), and the source is disabled once the
// streak reaches MaxFailures. Refused destinations and 404s are retried
// like other failures: DNS answers and sites change.
func (s *SourceState) Failure(err error, now time.Time, p Policy) {
	maxF := p.MaxFailures
	if maxF <= 0 {
		maxF = DefaultMaxFailures
	}
	s.Failures++
	s.LastError = err.Error()
	s.LastErrorKind = ErrorKind(err)
	delay := p.Backoff.Delay(s.Failures)
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > delay {
		delay = se.RetryAfter
	}
	s.NextPoll = now.Add(delay)
	if s.Failures >= maxF {
		s.Disabled = true
		s.DisabledReason = s.LastError
	}
}

// Enable clears the disabled flag and the failure streak, for an admin
// re-enabling a source.
func (s *SourceState) Enable(now time.Time) {
	s.Disabled, s.DisabledReason, s.Failures = false, "", 0
	s.NextPoll = now
}
