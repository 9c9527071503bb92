package mastodon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/retry"
	"vigie/pipeline/social"
)

// emitError carries the error of the caller's emit function out of Stream.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }
func (e *emitError) Unwrap() error { return e.err }

// Stream follows the stream of spec and calls emit for each post, with the
// cursor to persist once the post is safely handled. It returns only when
// ctx ends (with ctx's error), when emit returns an error (that error), or on
// a permanent failure (authentication, unknown list...).
//
// On every (re)connection it first subscribes, then catches up through the
// REST timeline from cursor (when cursor is not empty), then relays the live
// events; what the catch-up and the stream both deliver is emitted once. A
// dropped or silent connection is retried with exponential backoff and
// jitter. Events: "update" gives a new post; "status.update" an edited post
// (same ID, Edited set; the cursor does not move); "delete" a tombstone whose
// ID is known when the status was seen by this Stream, and whose SourceID is
// always set. Other events (notifications, announcements) are ignored.
func (c *Client) Stream(ctx context.Context, spec StreamSpec, cursor string, emit func(social.Post, string) error) error {
	if _, _, err := spec.streamPath(); err != nil {
		return fmt.Errorf("stream: %w", err)
	}
	st := &streamState{cursor: cursor, seen: newIDSet(seenIDs), emit: emit}
	for attempt := 0; ; {
		progressed, err := c.streamOnce(ctx, spec, st)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ee *emitError
		if errors.As(err, &ee) {
			return ee.err
		}
		var he *HTTPError
		if errors.As(err, &he) && he.Permanent() {
			return fmt.Errorf("stream %s: %w", spec.Kind, err)
		}
		if progressed {
			attempt = 0
		}
		wait := c.backoff.Delay(attempt + 1)
		var rl *retryAfterError
		if errors.As(err, &rl) {
			wait = max(wait, rl.wait)
		}
		attempt++
		c.log.Warn("stream disconnected; reconnecting", zap.String("kind", string(spec.Kind)),
			zap.Duration("wait", wait), zap.String("cursor", st.cursor), zap.Error(err))
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// streamState is what survives reconnections within one Stream call.
type streamState struct {
	cursor string
	seen   *idSet // status id → Post ID
	emit   func(social.Post, string) error
}

type retryAfterError struct{ wait time.Duration }

func (e *retryAfterError) Error() string {
	return fmt.Sprintf("stream refused: retry after %s", e.wait)
}

// streamOnce runs one connection. progressed reports that the connection was
// established and the catch-up done, which resets the backoff.
func (c *Client) streamOnce(ctx context.Context, spec StreamSpec, st *streamState) (progressed bool, err error) {
	path, q, err := spec.streamPath()
	if err != nil {
		return false, err
	}
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := c.newRequest(connCtx, c.endpoint(c.streamBase, path, q), "text/event-stream")
	if err != nil {
		return false, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return false, fmt.Errorf("open stream: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		if d, ok := retry.ParseAfter(resp.Header.Get("Retry-After"), c.clock.Now()); ok {
			return false, &retryAfterError{wait: d}
		}
		return false, &HTTPError{StatusCode: resp.StatusCode, URL: c.endpoint(c.streamBase, path, nil)}
	}

	// Read the stream in the background while the catch-up runs, so that
	// nothing posted between the catch-up and the live events is lost.
	events := make(chan sseEvent, 256)
	readErr := make(chan error, 1)
	var (
		idle     *time.Timer
		idleMu   sync.Mutex
		idleFire atomic.Bool
	)
	if c.idleTimeout > 0 {
		idle = time.AfterFunc(c.idleTimeout, func() {
			idleFire.Store(true)
			cancel()
		})
		defer idle.Stop()
	}
	beat := func() {
		if idle != nil {
			idleMu.Lock()
			idle.Reset(c.idleTimeout)
			idleMu.Unlock()
		}
	}
	go func() {
		defer close(events)
		readErr <- readSSE(resp.Body, beat, func(ev sseEvent) error {
			select {
			case events <- ev:
				return nil
			case <-connCtx.Done():
				return connCtx.Err()
			}
		})
	}()

	if st.cursor == "" {
		// Started "from now": note the newest id without emitting it, so
		// that a reconnection can catch up on what it missed.
		if _, err := c.pageForward(connCtx, spec, "", 1, func(s status, cur string) error {
			st.cursor = cur
			return nil
		}); err != nil {
			cancel()
			return false, fmt.Errorf("find the newest status: %w", err)
		}
	} else {
		_, err := c.pageForward(connCtx, spec, st.cursor, 0, func(s status, _ string) error {
			return c.emitStatus(st, s, false)
		})
		if err != nil {
			cancel()
			return false, fmt.Errorf("catch up: %w", err)
		}
	}
	// While catching up the stream could not be watched for silence.
	beat()
	for ev := range events {
		if err := c.handleEvent(st, ev); err != nil {
			cancel()
			return true, err
		}
	}
	err = <-readErr
	switch {
	case idleFire.Load():
		err = fmt.Errorf("stream silent for %s", c.idleTimeout)
	case errors.Is(err, io.EOF):
		err = errors.New("stream ended by server")
	}
	return true, err
}

// handleEvent turns one streaming event into zero or one emitted post.
func (c *Client) handleEvent(st *streamState, ev sseEvent) error {
	switch ev.Event {
	case "update", "status.update":
		s, err := decodeStatus([]byte(ev.Data))
		if err != nil {
			c.log.Warn("stream event skipped", zap.String("event", ev.Event), zap.Error(err))
			return nil
		}
		return c.emitStatus(st, s, ev.Event == "status.update")
	case "delete":
		id := strings.TrimSpace(ev.Data)
		if id == "" {
			return nil
		}
		p := social.Post{ID: st.seen.get(id), SourceID: id, Deleted: true}
		if err := st.emit(p, st.cursor); err != nil {
			return &emitError{err: err}
		}
	}
	return nil
}

// emitStatus emits a status once: a status already seen is skipped unless
// edit is true (an edit always goes through, with the cursor unchanged).
func (c *Client) emitStatus(st *streamState, s status, edit bool) error {
	if !edit && st.seen.has(s.ID) {
		return nil
	}
	p := s.toPost()
	if edit && p.Edited == nil {
		// Some servers send status.update without edited_at; the event
		// itself says the status was edited, now.
		t := c.clock.Now().UTC()
		p.Edited = &t
	}
	next := st.cursor
	if !edit {
		next = maxID(st.cursor, s.ID)
	}
	key := p.ID
	if p.BoostOf != "" {
		key = p.BoostOf // deleting a boost deletes the boost, not the original
	}
	if err := st.emit(p, next); err != nil {
		return &emitError{err: err}
	}
	st.seen.put(s.ID, key)
	st.cursor = next
	return nil
}
