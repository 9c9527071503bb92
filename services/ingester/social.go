package ingester

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/disk"
	"vigie/pipeline/social"
	"vigie/pipeline/social/bluesky"
	"vigie/pipeline/social/mastodon"
	"vigie/pipeline/source"
)

// SocialOptions locate the social networks' endpoints.
type SocialOptions struct {
	// JetstreamURL is the Bluesky Jetstream endpoint (default bluesky.DefaultURL).
	JetstreamURL string
	// AppViewURL resolves Bluesky handles (default bluesky.DefaultAppView).
	AppViewURL string
	// StreamLease is how long a stream's lease lasts between renewals (default 60s).
	StreamLease time.Duration
	// ReorderWindow is how long Bluesky events are held to be emitted in
	// time order (default the client's, 2s).
	ReorderWindow time.Duration
}

// postItem maps a social post to an item. An edited post is a new item
// (its id includes the edit time), so the new wording is analysed too.
func postItem(src source.Source, kind claims.SourceKind, p social.Post, fetched time.Time) claims.Item {
	key := p.ID
	if p.Edited != nil {
		key += "@" + p.Edited.UTC().Format(time.RFC3339Nano)
	}
	h := sha256.Sum256([]byte(src.ID + "\x00" + key))
	it := claims.Item{
		ID:         hex.EncodeToString(h[:16]),
		SourceID:   src.ID,
		SourceName: src.Name,
		Kind:       kind,
		URL:        p.URL,
		Text:       p.Text,
		HTML:       p.HTML,
		Language:   normalizeLang(firstNonEmpty(p.Language, src.Language)),
		Localities: append([]string(nil), src.Localities...),
		Published:  p.Created,
		Fetched:    fetched,
		GUID:       p.ID,
	}
	if p.Author != "" {
		it.Authors = []string{p.Author}
	}
	return it
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// runSocial keeps one social source flowing while this process holds its
// lease: a stream for Mastodon timelines and Bluesky, REST polling for
// Mastodon account timelines. The cursor is saved in the source's state
// after each post is published, so a restart resumes without a gap.
func (s *Service) runSocial(ctx context.Context, src source.Source) {
	for ctx.Err() == nil {
		err := s.holdAndStream(ctx, src)
		lowDisk := errors.Is(err, disk.ErrLow) // not the source's fault; the guard logs it
		if err != nil && ctx.Err() == nil && !errors.Is(err, source.ErrConflict) && !lowDisk {
			s.log.Warn("social source stopped", zap.String("source", src.ID), zap.Error(err))
			s.recordFailure(ctx, src, err)
		}
		wait := 5 * time.Second
		switch {
		case errors.Is(err, source.ErrConflict):
			wait = s.socialLease() / 2 // another process streams it: look again later
		case lowDisk:
			wait = DiskWait // resumes from the saved cursor once there is room
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (s *Service) socialLease() time.Duration {
	if s.opts.Social.StreamLease > 0 {
		return s.opts.Social.StreamLease
	}
	return time.Minute
}

// leaseState serialises the state writes of one held source.
type leaseState struct {
	mu  sync.Mutex
	st  source.State
	rev uint64
}

func (s *Service) holdAndStream(ctx context.Context, src source.Source) error {
	st, rev, err := s.registry.State(ctx, src.ID)
	if err != nil {
		return err
	}
	if st.Status == source.StatusDisabled {
		return source.ErrConflict // wait; re-enabling restarts the loop
	}
	if err := s.opts.Disk.Check(); err != nil {
		return err
	}
	now := s.opts.Now()
	if st.LeaseOwner != "" && st.LeaseOwner != s.opts.Owner && st.LeaseUntil.After(now) {
		return source.ErrConflict
	}
	st.LeaseOwner, st.LeaseUntil = s.opts.Owner, now.Add(s.socialLease())
	if rev, err = s.registry.SetState(ctx, src.ID, st, rev); err != nil {
		return err
	}
	ls := &leaseState{st: st, rev: rev}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Renew the lease; losing it stops the stream.
	go func() {
		t := time.NewTicker(s.socialLease() / 3)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
				if err := s.updateLease(sctx, src, ls, func(st *source.State) { st.LeaseUntil = s.opts.Now().Add(s.socialLease()) }); err != nil {
					s.log.Warn("stream lease lost", zap.String("source", src.ID), zap.Error(err))
					cancel()
					return
				}
			}
		}
	}()
	defer func() {
		// Release the lease so that another process may take over at once.
		_ = s.updateLease(context.WithoutCancel(ctx), src, ls, func(st *source.State) { st.LeaseOwner, st.LeaseUntil = "", time.Time{} })
	}()
	emit := func(p social.Post, cursor string) error {
		if err := s.handlePost(sctx, src, p); err != nil {
			return err
		}
		return s.updateLease(sctx, src, ls, func(st *source.State) {
			st.Cursor = cursor
			st.Succeeded()
			st.LastFetch = s.opts.Now().UTC()
			if !p.Deleted {
				st.Items++
			}
		})
	}
	hc := s.client.HTTPClient()
	if src.AllowPrivateNetworks {
		hc = s.private.HTTPClient()
	}
	switch src.Kind {
	case source.KindMastodon:
		return s.streamMastodon(sctx, src, hc, ls.st.Cursor, emit)
	case source.KindBluesky:
		return s.streamBluesky(sctx, src, hc, ls.st.Cursor, emit)
	}
	return fmt.Errorf("source %q: kind %q is not a social source", src.ID, src.Kind)
}

func (s *Service) updateLease(ctx context.Context, src source.Source, ls *leaseState, change func(*source.State)) error {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	next := ls.st
	change(&next)
	rev, err := s.registry.SetState(ctx, src.ID, next, ls.rev)
	if err != nil {
		return err
	}
	ls.st, ls.rev = next, rev
	return nil
}

func (s *Service) recordFailure(ctx context.Context, src source.Source, cause error) {
	st, rev, err := s.registry.State(ctx, src.ID)
	if err != nil {
		return
	}
	st.Failed(cause, "stream", s.opts.MaxFailures)
	_, _ = s.registry.SetState(ctx, src.ID, st, rev)
}

// handlePost publishes a post as an item; deletions are logged (the item
// stays on the log: retention and erasure remove content).
func (s *Service) handlePost(ctx context.Context, src source.Source, p social.Post) error {
	if p.Deleted || p.ID == "" {
		s.log.Debug("post deleted at the source", zap.String("source", src.ID), zap.String("post", firstNonEmpty(p.ID, p.SourceID)))
		return nil
	}
	kind := claims.SourceMastodon
	if src.Kind == source.KindBluesky {
		kind = claims.SourceBluesky
	}
	isNew, err := s.Publish(ctx, postItem(src, kind, p, s.opts.Now().UTC()))
	if isNew {
		s.opts.Metrics.Ingested(src.ID, 1)
	}
	return err
}

func (s *Service) streamMastodon(ctx context.Context, src source.Source, hc *http.Client, cursor string, emit func(social.Post, string) error) error {
	base, spec, err := mastodon.ParseTimelineURL(src.URL)
	if err != nil {
		return err
	}
	client, err := mastodon.NewClient(base, hc, "", mastodon.WithLogger(s.log))
	if err != nil {
		return err
	}
	if spec.Kind != mastodon.KindAccount {
		return client.Stream(ctx, spec, cursor, emit)
	}
	// Account timelines have no stream: poll them on the source's interval.
	for {
		posts, next, err := client.Timeline(ctx, spec, cursor)
		if err != nil {
			return err
		}
		for _, p := range posts {
			c := p.SourceID
			if c == "" {
				c = cursor
			}
			if err := emit(p, c); err != nil {
				return err
			}
		}
		if next != "" {
			cursor = next
		}
		t := time.NewTimer(src.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *Service) streamBluesky(ctx context.Context, src source.Source, hc *http.Client, cursor string, emit func(social.Post, string) error) error {
	f, handle, err := bluesky.ParseSourceURL(src.URL)
	if err != nil {
		return err
	}
	if handle != "" {
		appView := firstNonEmpty(s.opts.Social.AppViewURL, bluesky.DefaultAppView)
		did, err := bluesky.ResolveHandle(ctx, hc, appView, handle)
		if err != nil {
			return fmt.Errorf("resolve bluesky handle %q: %w", handle, err)
		}
		f.DIDs = append(f.DIDs, did)
	}
	client, err := bluesky.NewClient(bluesky.Config{
		URL: firstNonEmpty(s.opts.Social.JetstreamURL, bluesky.DefaultURL), Filter: f, HTTPClient: hc, Logger: s.log,
		ReorderWindow: s.opts.Social.ReorderWindow,
	})
	if err != nil {
		return err
	}
	return client.Stream(ctx, cursor, emit)
}
