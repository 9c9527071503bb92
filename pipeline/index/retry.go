package index

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/retry"
)

// retryTransport retries requests answered 503 Service Unavailable (or 429
// Too Many Requests), waiting as long as the Retry-After header says (capped
// at maxWait), else with exponential backoff from 100 ms. Meilisearch answers
// 503 too_many_search_requests with "Retry-After: 10" when its search queue
// is full. It logs the method and path only: never headers (the API key) nor
// bodies.
type retryTransport struct {
	base    http.RoundTripper
	max     int
	maxWait time.Duration
	log     *zap.Logger
	// sleep waits d or until the request is canceled; replaceable in tests.
	sleep func(req *http.Request, d time.Duration) error
}

// busyBackoff spaces retries of a busy server that sent no Retry-After:
// 100 ms doubling up to 25.6 s, without jitter.
var busyBackoff = retry.Backoff{Base: 100 * time.Millisecond, Max: 100 * time.Millisecond << 8}

// RoundTrip implements http.RoundTripper.
func (rt *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	getBody := req.GetBody
	if req.Body != nil && req.Body != http.NoBody && getBody == nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("buffer request body: %w", err)
		}
		getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 || req.GetBody == nil {
			r = req.Clone(req.Context())
			if getBody != nil {
				body, err := getBody()
				if err != nil {
					return nil, fmt.Errorf("rewind request body: %w", err)
				}
				r.Body = body
			}
		}
		resp, err := rt.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if (resp.StatusCode != http.StatusServiceUnavailable && resp.StatusCode != http.StatusTooManyRequests) || attempt >= rt.max {
			return resp, nil
		}
		wait, fromHeader := retry.ParseAfter(resp.Header.Get("Retry-After"), time.Now())
		if !fromHeader {
			wait = busyBackoff.Delay(attempt + 1)
		}
		wait = min(wait, rt.maxWait)
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		rt.log.Warn("meilisearch busy, retrying",
			zap.Int("status", resp.StatusCode), zap.String("method", req.Method), zap.String("path", req.URL.Path),
			zap.Duration("wait", wait), zap.Bool("retry_after_header", fromHeader), zap.Int("attempt", attempt+1))
		sleep := rt.sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if err := sleep(req, wait); err != nil {
			return nil, err
		}
	}
}

func sleepCtx(req *http.Request, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-req.Context().Done():
		return req.Context().Err()
	case <-t.C:
		return nil
	}
}
