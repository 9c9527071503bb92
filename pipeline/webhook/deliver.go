package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/retry"
)

// Errors returned by Deliverer.Deliver when a message was not delivered.
var (
	// ErrGone: the receiver answered 410 Gone; the endpoint should be disabled.
	ErrGone = errors.New("webhook endpoint gone")
	// ErrExpired: every attempt failed until the policy's maximum age.
	ErrExpired = errors.New("webhook delivery expired")
)

// Policy is the retry schedule and the bounds of each attempt.
type Policy struct {
	// InitialDelay is the delay after the first failed attempt.
	InitialDelay time.Duration
	// Multiplier grows the delay after each further failure.
	Multiplier float64
	// MaxDelay caps one delay (before jitter).
	MaxDelay time.Duration
	// Jitter is the fraction (0 to 1) by which a delay is randomly
	// shortened or lengthened: a delay d becomes d·(1 ± Jitter).
	Jitter float64
	// MaxAge is how long after the first attempt retries may happen.
	MaxAge time.Duration
	// AttemptTimeout bounds one attempt, response included.
	AttemptTimeout time.Duration
}

// DefaultPolicy returns the schedule Vigie uses: 5 s, then ×4 up to 4 h
// between attempts, ±20 % jitter, for 24 hours, 15 s per attempt. Without
// jitter the attempts happen at about 0 s, 5 s, 25 s, 1m45s, 7 min, 28 min,
// 1h53m, 5h53m, 9h53m, … until 24 h.
func DefaultPolicy() Policy {
	return Policy{
		InitialDelay:   5 * time.Second,
		Multiplier:     4,
		MaxDelay:       4 * time.Hour,
		Jitter:         0.2,
		MaxAge:         24 * time.Hour,
		AttemptTimeout: 15 * time.Second,
	}
}

// withDefaults fills zero fields from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.InitialDelay <= 0 {
		p.InitialDelay = d.InitialDelay
	}
	if p.Multiplier < 1 {
		p.Multiplier = d.Multiplier
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.Jitter < 0 || p.Jitter > 1 {
		p.Jitter = d.Jitter
	}
	if p.MaxAge <= 0 {
		p.MaxAge = d.MaxAge
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = d.AttemptTimeout
	}
	return p
}

// Delay returns the wait after the failed attempt number n (1-based), with
// r a random number in [0,1) choosing the jitter (0.5 means none).
func (p Policy) Delay(n int, r float64) time.Duration {
	p = p.withDefaults()
	b := retry.Backoff{
		Base:       p.InitialDelay,
		Max:        p.MaxDelay,
		Multiplier: p.Multiplier,
		Jitter:     retry.Jitter{Down: p.Jitter, Up: p.Jitter},
	}
	return b.DelayAt(n, r)
}

// Next returns when attempt n+1 should happen after attempt n failed at now,
// for a delivery whose first attempt was at first; retryAfter, if positive,
// is the receiver's Retry-After and lengthens the wait. ok is false when
// the next attempt would fall after first+MaxAge: the delivery expires.
func (p Policy) Next(first, now time.Time, n int, r float64, retryAfter time.Duration) (next time.Time, ok bool) {
	p = p.withDefaults()
	d := p.Delay(n, r)
	if retryAfter > d {
		d = min(retryAfter, p.MaxDelay)
	}
	next = now.Add(d)
	if next.Sub(first) > p.MaxAge {
		return time.Time{}, false
	}
	return next, true
}

// Outcome is what an attempt means for the delivery.
type Outcome int

// Outcomes of an attempt.
const (
	// OutcomeDelivered: the receiver answered 2xx.
	OutcomeDelivered Outcome = iota + 1
	// OutcomeRetry: the attempt failed and another is scheduled at Next.
	OutcomeRetry
	// OutcomeGone: the receiver answered 410; disable the endpoint.
	OutcomeGone
	// OutcomeExpired: the attempt failed and no retry fits in MaxAge.
	OutcomeExpired
)

// String returns the outcome's snake_case name.
func (o Outcome) String() string {
	switch o {
	case OutcomeDelivered:
		return "delivered"
	case OutcomeRetry:
		return "retry"
	case OutcomeGone:
		return "gone"
	case OutcomeExpired:
		return "expired"
	}
	return "unknown"
}

// Attempt is the record of one delivery attempt.
type Attempt struct {
	// MessageID is the webhook-id.
	MessageID string
	// Type is the event type.
	Type string
	// URL is the endpoint.
	URL string
	// Number is 1 for the first attempt.
	Number int
	// Time is when the attempt started, by the Deliverer's clock; it is
	// also the signed webhook-timestamp.
	Time time.Time
	// Latency is the time from sending to the end of the response (or the
	// failure), measured on the monotonic clock.
	Latency time.Duration
	// Status is the HTTP status, 0 when there was no response.
	Status int
	// Err describes the failure; empty when delivered.
	Err string
	// Outcome says what follows the attempt.
	Outcome Outcome
	// Next is when the next attempt is due when Outcome is OutcomeRetry.
	Next time.Time
}

// Recorder receives every attempt, for the delivery log that admins and
// subscribers see.
type Recorder interface {
	RecordAttempt(ctx context.Context, a Attempt)
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(ctx context.Context, a Attempt)

// RecordAttempt calls f.
func (f RecorderFunc) RecordAttempt(ctx context.Context, a Attempt) { f(ctx, a) }

// Clock tells the time and waits; tests inject one that does not sleep.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real Clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx is done.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Endpoint is a receiver: its URL and the signer of its secrets.
type Endpoint struct {
	URL    string
	Signer *Signer
}

// Options configures a Deliverer; zero fields take defaults.
type Options struct {
	// Client sends the requests; it should refuse private destinations
	// unless allowed. Redirects are never followed (a 3xx is a failure).
	// Default: a client with no timeout of its own (each attempt is bounded
	// by Policy.AttemptTimeout).
	Client *http.Client
	// Policy is the retry schedule; zero fields take DefaultPolicy's.
	Policy Policy
	// Clock defaults to SystemClock.
	Clock Clock
	// Rand returns numbers in [0,1) for the jitter; default math/rand/v2.
	Rand func() float64
	// Recorder receives every attempt; default none.
	Recorder Recorder
	// Logger defaults to zap.NewNop().
	Logger *zap.Logger
	// UserAgent is sent with each request; default "Vigie-Webhooks/1".
	UserAgent string
}

// Deliverer sends webhooks with retries. It is safe for concurrent use.
type Deliverer struct {
	client   *http.Client
	policy   Policy
	clock    Clock
	rand     func() float64
	recorder Recorder
	log      *zap.Logger
	ua       string
}

// maxDrain is how much of a response body is read before closing it.
const maxDrain = 64 << 10

// NewDeliverer returns a Deliverer configured by o.
func NewDeliverer(o Options) *Deliverer {
	var c http.Client
	if o.Client != nil {
		c = *o.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	d := &Deliverer{client: &c, policy: o.Policy.withDefaults(), clock: o.Clock, rand: o.Rand,
		recorder: o.Recorder, log: o.Logger, ua: o.UserAgent}
	if d.clock == nil {
		d.clock = SystemClock{}
	}
	if d.rand == nil {
		d.rand = rand.Float64
	}
	if d.recorder == nil {
		d.recorder = RecorderFunc(func(context.Context, Attempt) {})
	}
	if d.log == nil {
		d.log = zap.NewNop()
	}
	if d.ua == "" {
		d.ua = "Vigie-Webhooks/1"
	}
	return d
}

// Policy returns the Deliverer's effective retry policy.
func (d *Deliverer) Policy() Policy { return d.policy }

// Attempt makes attempt number n (1-based) of msg to ep, for a delivery
// whose first attempt was at first (ignored when n is 1; now when zero),
// records it and
// returns it. A service that schedules retries itself (for example with a
// JetStream NakWithDelay) calls Attempt and waits until the returned Next.
func (d *Deliverer) Attempt(ctx context.Context, ep Endpoint, msg Message, n int, first time.Time) Attempt {
	now := d.clock.Now()
	if n <= 1 || first.IsZero() {
		n, first = max(n, 1), now
	}
	a := Attempt{MessageID: msg.ID, Type: msg.Type, URL: ep.URL, Number: n, Time: now}
	status, retryAfter, err := d.send(ctx, ep, msg, now, &a.Latency)
	a.Status = status
	switch {
	case err == nil && status >= 200 && status <= 299:
		a.Outcome = OutcomeDelivered
	case err == nil && status == http.StatusGone:
		a.Outcome = OutcomeGone
		a.Err = "receiver answered 410 Gone"
	default:
		if err != nil {
			a.Err = err.Error()
		} else {
			a.Err = fmt.Sprintf("receiver answered %d", status)
		}
		if next, ok := d.policy.Next(first, now, n, d.rand(), retryAfter); ok {
			a.Outcome, a.Next = OutcomeRetry, next
		} else {
			a.Outcome = OutcomeExpired
		}
	}
	d.log.Debug("webhook attempt",
		zap.String("webhook_id", a.MessageID), zap.String("url", a.URL), zap.Int("attempt", a.Number),
		zap.Int("status", a.Status), zap.Duration("latency", a.Latency), zap.String("outcome", a.Outcome.String()),
		zap.String("error", a.Err))
	d.recorder.RecordAttempt(ctx, a)
	return a
}

// send makes one signed POST and returns the status and any Retry-After.
func (d *Deliverer) send(ctx context.Context, ep Endpoint, msg Message, now time.Time, latency *time.Duration) (int, time.Duration, error) {
	if ep.Signer == nil {
		return 0, 0, fmt.Errorf("send webhook %q: no signer", msg.ID)
	}
	ctx, cancel := context.WithTimeout(ctx, d.policy.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(msg.Body))
	if err != nil {
		return 0, 0, fmt.Errorf("send webhook %q: %w", msg.ID, err)
	}
	if err := ep.Signer.SetHeaders(req.Header, msg.ID, now, msg.Body); err != nil {
		return 0, 0, fmt.Errorf("send webhook %q: %w", msg.ID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", d.ua)
	start := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		*latency = time.Since(start)
		return 0, 0, fmt.Errorf("send webhook %q: %w", msg.ID, err)
	}
	_, rerr := io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	resp.Body.Close()
	*latency = time.Since(start)
	retryAfter, _ := retry.ParseAfter(resp.Header.Get("Retry-After"), now)
	if rerr != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// The status line arrived: the receiver accepted the message.
		d.log.Debug("webhook response body unread", zap.String("webhook_id", msg.ID), zap.Error(rerr))
	}
	return resp.StatusCode, retryAfter, nil
}

// Result sums up a delivery made by Deliver.
type Result struct {
	// Attempts is how many attempts were made.
	Attempts int
	// Last is the last attempt.
	Last Attempt
}

// Deliver sends msg to ep, retrying on the policy's schedule by sleeping on
// the Deliverer's clock, until it is delivered (nil error), the receiver
// answers 410 (ErrGone), the policy's maximum age passes (ErrExpired), or
// ctx is done (its error).
func (d *Deliverer) Deliver(ctx context.Context, ep Endpoint, msg Message) (Result, error) {
	var (
		res   Result
		first time.Time
	)
	for n := 1; ; n++ {
		a := d.Attempt(ctx, ep, msg, n, first)
		if n == 1 {
			first = a.Time
		}
		res.Attempts, res.Last = n, a
		switch a.Outcome {
		case OutcomeDelivered:
			return res, nil
		case OutcomeGone:
			return res, fmt.Errorf("deliver webhook %q to %s: %w", msg.ID, ep.URL, ErrGone)
		case OutcomeExpired:
			d.log.Warn("webhook delivery expired", zap.String("webhook_id", msg.ID), zap.String("url", ep.URL),
				zap.Int("attempts", n))
			return res, fmt.Errorf("deliver webhook %q to %s after %d attempts: %w", msg.ID, ep.URL, n, ErrExpired)
		}
		if err := d.clock.Sleep(ctx, a.Next.Sub(d.clock.Now())); err != nil {
			return res, fmt.Errorf("deliver webhook %q to %s: %w", msg.ID, ep.URL, err)
		}
	}
}
