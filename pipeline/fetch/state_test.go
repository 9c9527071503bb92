package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoliteness drives SourceState with a local server the way the
// scheduler does: a 304 publishes nothing and keeps the validators, a 429
// with Retry-After pushes the next poll back, and a source failing N times
// in a row is disabled with its reason.
func TestPoliteness(t *testing.T) {
	var mode atomic.Value
	mode.Store("ok")
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch mode.Load().(string) {
		case "429":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		case "500":
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Cache-Control", "max-age=1200")
		if r.Header.Get("If-None-Match") == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	c := localClient(srv, Config{})
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	p := Policy{Interval: 10 * time.Minute, MaxFailures: 3, Backoff: Backoff{Base: time.Minute, Max: time.Hour, Rand: func() float64 { return 0 }}, Rand: func() float64 { return 0 }}
	var st SourceState
	poll := func() (*Response, error) {
		resp, err := c.Get(ctx, srv.URL+"/feed", st.Validators)
		if err != nil {
			st.Failure(err, now, p)
		} else {
			st.Success(resp, 0, now, p)
		}
		return resp, err
	}

	t.Run("first fetch has a body", func(t *testing.T) {
		resp, err := poll()
		if err != nil || resp.NotModified || string(resp.Body) != "<rss/>" {
			t.Fatalf("got %+v, %v", resp, err)
		}
		if st.Validators.ETag != `"abc"` || !st.NextPoll.Equal(now.Add(20*time.Minute)) {
			t.Fatalf("state %+v: want etag kept and next poll after max-age", st)
		}
	})
	t.Run("304 publishes nothing", func(t *testing.T) {
		resp, err := poll()
		if err != nil || !resp.NotModified || resp.Body != nil {
			t.Fatalf("got %+v, %v; want NotModified with no body", resp, err)
		}
		if st.Validators.ETag != `"abc"` {
			t.Fatalf("validators lost: %+v", st.Validators)
		}
	})
	t.Run("429 honours Retry-After", func(t *testing.T) {
		mode.Store("429")
		_, err := poll()
		var se *StatusError
		if !errors.As(err, &se) || se.Status != 429 {
			t.Fatalf("err = %v", err)
		}
		if !st.NextPoll.Equal(now.Add(time.Hour)) || st.Failures != 1 || st.LastErrorKind != KindStatus {
			t.Fatalf("state %+v: want next poll in 1h", st)
		}
	})
	t.Run("disabled after N failures with the reason", func(t *testing.T) {
		mode.Store("500")
		for range 2 {
			poll()
		}
		if !st.Disabled || st.Failures != 3 || !strings.Contains(st.DisabledReason, "500") {
			t.Fatalf("state %+v: want disabled with the 500 as reason", st)
		}
	})
	t.Run("enable and recover", func(t *testing.T) {
		mode.Store("ok")
		st.Enable(now)
		if _, err := poll(); err != nil {
			t.Fatal(err)
		}
		if st.Disabled || st.Failures != 0 || st.LastError != "" {
			t.Fatalf("state %+v", st)
		}
	})
	t.Run("blocked destination is a clear source error", func(t *testing.T) {
		var s SourceState
		_, err := New(Config{}).Get(ctx, "http://169.254.169.254/latest/meta-data/", Validators{})
		s.Failure(err, now, p)
		if s.LastErrorKind != KindBlocked || !strings.Contains(s.LastError, "169.254.169.254") || !strings.Contains(s.LastError, "cloud metadata") {
			t.Fatalf("state %+v", s)
		}
	})
	t.Run("backoff grows", func(t *testing.T) {
		var s SourceState
		var delays []time.Duration
		for range 3 {
			s.Failure(errors.New("connection refused"), now, p)
			delays = append(delays, s.NextPoll.Sub(now))
		}
		if delays[0] != 30*time.Second || delays[1] != time.Minute || delays[2] != 2*time.Minute {
			t.Fatalf("delays %v", delays)
		}
	})
}
