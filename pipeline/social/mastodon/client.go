package mastodon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/retry"
	"vigie/pipeline/social"
)

// Defaults of a Client; each can be changed with an Option.
const (
	DefaultPageLimit      = 40
	DefaultMaxPages       = 10
	DefaultMaxRetries     = 4
	DefaultMaxBodyBytes   = 8 << 20
	DefaultRequestTimeout = 30 * time.Second
	DefaultIdleTimeout    = 90 * time.Second
	DefaultMaxWait        = 15 * time.Minute
	seenIDs               = 8192
)

// ErrResponseTooLarge is returned when a response body exceeds the cap; the
// body is never truncated silently.
var ErrResponseTooLarge = errors.New("response body too large")

// ErrRateLimited is returned when the server still answers 429 after the
// client's retries, or asks for a wait longer than the allowed maximum.
var ErrRateLimited = errors.New("rate limited")

// HTTPError is a response with an unexpected status code.
type HTTPError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// URL is the requested URL, without its query.
	URL string
}

// Error describes the status and the URL.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("unexpected status %d from %s", e.StatusCode, e.URL)
}

// Permanent reports whether retrying the request cannot help (authentication,
// authorisation, not found, gone, bad request).
func (e *HTTPError) Permanent() bool {
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
		http.StatusGone, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// Client talks to one Mastodon-compatible server. It is safe for concurrent use.
type Client struct {
	base        *url.URL
	streamBase  *url.URL
	hc          *http.Client
	token       string
	userAgent   string
	log         *zap.Logger
	clock       social.Clock
	backoff     retry.Backoff
	pageLimit   int
	maxPages    int
	maxRetries  int
	maxBody     int64
	reqTimeout  time.Duration
	idleTimeout time.Duration
	maxWait     time.Duration

	mu       sync.Mutex
	rl       rateState
	accounts map[string]string // acct → account id
}

type rateState struct {
	known     bool
	remaining int
	reset     time.Time
}

// Option configures a Client.
type Option func(*Client)

// WithLogger sets the logger (default: a no-op logger).
func WithLogger(l *zap.Logger) Option { return func(c *Client) { c.log = l } }

// WithClock sets the clock used for rate-limit waits and backoff.
func WithClock(clk social.Clock) Option { return func(c *Client) { c.clock = clk } }

// WithBackoff sets the retry and reconnect backoff; its zero fields come
// from social.DefaultBackoff.
func WithBackoff(b retry.Backoff) Option { return func(c *Client) { c.backoff = b } }

// WithStreamingURL sets the base URL of the streaming server, when it is not
// the API host (see the instance's configuration.urls.streaming). A value
// that is not an absolute URL is ignored.
func WithStreamingURL(u string) Option {
	return func(c *Client) {
		if p, err := url.Parse(u); err == nil && p.Host != "" {
			c.streamBase = p
		}
	}
}

// WithPageLimit sets the number of statuses asked per page (1..40).
func WithPageLimit(n int) Option {
	return func(c *Client) { c.pageLimit = min(max(n, 1), 40) }
}

// WithMaxPages bounds the pages one Timeline call reads (the cursor it
// returns lets the next call go on without a gap).
func WithMaxPages(n int) Option { return func(c *Client) { c.maxPages = max(n, 1) } }

// WithMaxRetries sets how many times a request is retried after a 429, a 5xx
// or a network error.
func WithMaxRetries(n int) Option { return func(c *Client) { c.maxRetries = max(n, 0) } }

// WithMaxBodyBytes caps the size of a REST response body.
func WithMaxBodyBytes(n int64) Option { return func(c *Client) { c.maxBody = n } }

// WithRequestTimeout bounds each REST request.
func WithRequestTimeout(d time.Duration) Option { return func(c *Client) { c.reqTimeout = d } }

// WithIdleTimeout sets how long a stream may stay silent (Mastodon sends a
// heartbeat comment every few seconds) before the client reconnects.
func WithIdleTimeout(d time.Duration) Option { return func(c *Client) { c.idleTimeout = d } }

// WithMaxWait caps a single rate-limit wait; a server asking for longer makes
// the request fail with ErrRateLimited.
func WithMaxWait(d time.Duration) Option { return func(c *Client) { c.maxWait = d } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// NewClient returns a client for the server at baseURL (e.g.
// "https://mastodon.social"), authenticating with token when it is not empty.
// httpClient carries the transport policy (SSRF guard, TLS); it should have
// no overall Timeout, which would cut streams: REST requests are bounded by
// WithRequestTimeout instead. A nil httpClient uses http.DefaultClient.
func NewClient(baseURL string, httpClient *http.Client, token string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("new mastodon client: parse base url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("new mastodon client: base url %q: want http(s)://host", baseURL)
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	c := &Client{
		base:        u,
		streamBase:  u,
		hc:          httpClient,
		token:       token,
		userAgent:   "vigie",
		log:         zap.NewNop(),
		clock:       social.SystemClock{},
		pageLimit:   DefaultPageLimit,
		maxPages:    DefaultMaxPages,
		maxRetries:  DefaultMaxRetries,
		maxBody:     DefaultMaxBodyBytes,
		reqTimeout:  DefaultRequestTimeout,
		idleTimeout: DefaultIdleTimeout,
		maxWait:     DefaultMaxWait,
	}
	for _, o := range opts {
		o(c)
	}
	c.backoff = c.backoff.Or(social.DefaultBackoff)
	return c, nil
}

// endpoint joins base and an already escaped path.
func (c *Client) endpoint(base *url.URL, escapedPath string, q url.Values) string {
	u := *base
	u.RawPath = strings.TrimRight(base.EscapedPath(), "/") + escapedPath
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *Client) newRequest(ctx context.Context, rawURL, accept string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", c.userAgent)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// waitRateLimit sleeps until the reset time when the last response said no
// request is left in the current window.
func (c *Client) waitRateLimit(ctx context.Context) error {
	c.mu.Lock()
	rs := c.rl
	c.mu.Unlock()
	if !rs.known || rs.remaining > 0 {
		return nil
	}
	d := rs.reset.Sub(c.clock.Now())
	if d <= 0 {
		return nil
	}
	if d > c.maxWait {
		return fmt.Errorf("wait for rate limit reset in %s: %w", d, ErrRateLimited)
	}
	c.log.Info("rate limit exhausted; waiting for reset", zap.Duration("wait", d), zap.Time("reset", rs.reset))
	if err := c.clock.Sleep(ctx, d); err != nil {
		return err
	}
	c.mu.Lock()
	if c.rl.reset.Equal(rs.reset) {
		c.rl.known = false
	}
	c.mu.Unlock()
	return nil
}

// noteRateLimit records X-RateLimit-Remaining and X-RateLimit-Reset.
func (c *Client) noteRateLimit(h http.Header) {
	rem, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err != nil {
		return
	}
	reset, ok := parseReset(h.Get("X-RateLimit-Reset"), c.clock.Now())
	if !ok {
		return
	}
	c.mu.Lock()
	c.rl = rateState{known: true, remaining: rem, reset: reset}
	c.mu.Unlock()
}

// parseReset reads X-RateLimit-Reset: an ISO 8601 time (Mastodon) or Unix
// seconds (some compatible servers).
func parseReset(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		if n < 1e9 { // a number of seconds from now
			return now.Add(time.Duration(n) * time.Second), true
		}
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// get performs a REST GET with rate-limit waits and retries, and returns the
// capped body.
func (c *Client) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	rawURL := c.endpoint(c.base, path, q)
	for attempt := 0; ; attempt++ {
		if err := c.waitRateLimit(ctx); err != nil {
			return nil, fmt.Errorf("get %s: %w", path, err)
		}
		body, wait, err := c.getOnce(ctx, rawURL)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("get %s: %w", path, ctx.Err())
		}
		var he *HTTPError
		if errors.As(err, &he) && he.Permanent() || errors.Is(err, ErrResponseTooLarge) {
			return nil, fmt.Errorf("get %s: %w", path, err)
		}
		if attempt >= c.maxRetries {
			return nil, fmt.Errorf("get %s after %d attempts: %w", path, attempt+1, err)
		}
		if wait < 0 {
			wait = c.backoff.Delay(attempt + 1)
		}
		if wait > c.maxWait {
			return nil, fmt.Errorf("get %s: retry in %s: %w", path, wait, ErrRateLimited)
		}
		c.log.Warn("request failed; retrying", zap.String("path", path), zap.Int("attempt", attempt+1),
			zap.Duration("wait", wait), zap.Error(err))
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("get %s: %w", path, err)
		}
	}
}

// getOnce does one request. wait is the server-requested delay before a
// retry (Retry-After), or -1 to use the backoff.
func (c *Client) getOnce(ctx context.Context, rawURL string) (body []byte, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.reqTimeout)
	defer cancel()
	req, err := c.newRequest(ctx, rawURL, "application/json")
	if err != nil {
		return nil, -1, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, -1, err
	}
	defer resp.Body.Close()
	c.noteRateLimit(resp.Header)
	switch {
	case resp.StatusCode == http.StatusOK:
		body, err := readCapped(resp.Body, c.maxBody)
		return body, -1, err
	case resp.StatusCode == http.StatusTooManyRequests:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		now := c.clock.Now()
		if d, ok := retry.ParseAfter(resp.Header.Get("Retry-After"), now); ok {
			return nil, d, fmt.Errorf("status 429: %w", ErrRateLimited)
		}
		if reset, ok := parseReset(resp.Header.Get("X-RateLimit-Reset"), now); ok && reset.After(now) {
			return nil, reset.Sub(now), fmt.Errorf("status 429: %w", ErrRateLimited)
		}
		return nil, -1, fmt.Errorf("status 429: %w", ErrRateLimited)
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		u := *req.URL
		u.RawQuery = ""
		he := &HTTPError{StatusCode: resp.StatusCode, URL: u.String()}
		if d, ok := retry.ParseAfter(resp.Header.Get("Retry-After"), c.clock.Now()); ok && resp.StatusCode == http.StatusServiceUnavailable {
			return nil, d, he
		}
		return nil, -1, he
	}
}

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("read body over %d bytes: %w", limit, ErrResponseTooLarge)
	}
	return b, nil
}
