package ingester

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/disk"
	"vigie/pipeline/feed"
	"vigie/pipeline/fetch"
	"vigie/pipeline/metrics"
	"vigie/pipeline/retry"
	"vigie/pipeline/source"
)

// Source is one source the ingester polls.
type Source = source.Source

// Options configure the ingester.
type Options struct {
	// Fetch bounds every request; AllowPrivateNetworks applies to all sources.
	Fetch fetch.Config
	// MaxFailures disables a source after that many consecutive failures (default 10).
	MaxFailures int
	// PerHost is the most concurrent fetches to one host from this process (default 2).
	PerHost int
	// Backoff spaces retries after failures; its zero fields come from
	// DefaultBackoff.
	Backoff retry.Backoff
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics records items and fetch errors; nil records nothing.
	Metrics *metrics.Metrics
	// Owner names this process in fetch leases (default host name, pid and a random suffix).
	Owner string
	// Social locates the social networks' endpoints.
	Social SocialOptions
	// Disk refuses new items while the data folder is nearly full (nil:
	// never). Sources are then looked at again every DiskWait, without
	// counting a failure against them.
	Disk *disk.Guard
}

// DefaultBackoff spaces a failing source's retries: 1 minute, doubling with
// each consecutive failure up to 24 hours, with equal jitter.
var DefaultBackoff = retry.Backoff{Base: time.Minute, Max: 24 * time.Hour, Jitter: retry.EqualJitter}

// DiskWait is how often a source is looked at again while the data folder
// is nearly full.
const DiskWait = 30 * time.Second

// Service polls sources and publishes their new items.
type Service struct {
	bus      *bus.Bus
	seen     jetstream.KeyValue
	registry *source.Registry
	client   *fetch.Client
	private  *fetch.Client
	hosts    *fetch.HostLimiter
	opts     Options
	log      *zap.Logger

	mu      sync.Mutex
	running map[string]context.CancelFunc
	wg      sync.WaitGroup
}

// New returns an ingester over the declared buckets of b.
func New(ctx context.Context, b *bus.Bus, opts Options, log *zap.Logger) (*Service, error) {
	seen, err := b.KV(ctx, bus.BucketSeen)
	if err != nil {
		return nil, err
	}
	states, err := b.KV(ctx, bus.BucketSources)
	if err != nil {
		return nil, err
	}
	if opts.MaxFailures <= 0 {
		opts.MaxFailures = 10
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 2
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Backoff = opts.Backoff.Or(DefaultBackoff)
	if opts.Owner == "" {
		host, _ := os.Hostname()
		r := make([]byte, 4)
		_, _ = rand.Read(r)
		opts.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(r))
	}
	priv := opts.Fetch
	priv.AllowPrivateNetworks = true
	return &Service{
		bus: b, seen: seen, registry: source.NewRegistry(states),
		client: fetch.New(opts.Fetch), private: fetch.New(priv), hosts: fetch.NewHostLimiter(opts.PerHost),
		opts: opts, log: log.Named("ingester"), running: map[string]context.CancelFunc{},
	}, nil
}

// Registry returns the source registry the ingester follows.
func (s *Service) Registry() *source.Registry { return s.registry }

// Run follows the registry: every source added is polled on its schedule,
// every source removed or changed is stopped (and restarted with its new
// definition). It returns when ctx ends and every poll has stopped.
func (s *Service) Run(ctx context.Context) error {
	err := s.registry.Watch(ctx, func(src source.Source, deleted bool) {
		s.stop(src.ID)
		if !deleted {
			s.start(ctx, src)
		}
	})
	s.mu.Lock()
	for id, cancel := range s.running {
		cancel()
		delete(s.running, id)
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Service) start(ctx context.Context, src source.Source) {
	sctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.running[src.ID] = cancel
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		switch src.Kind {
		case source.KindFeed:
			s.loop(sctx, src)
		case source.KindMastodon, source.KindBluesky:
			s.runSocial(sctx, src)
		default:
			s.log.Warn("source kind not ingested", zap.String("source", src.ID), zap.String("kind", src.Kind))
		}
	}()
}

func (s *Service) stop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel, ok := s.running[id]; ok {
		cancel()
		delete(s.running, id)
	}
}

// loop polls src whenever it is due and this process holds its lease.
func (s *Service) loop(ctx context.Context, src source.Source) {
	for ctx.Err() == nil {
		wait, err := s.tick(ctx, src)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("source poll failed", zap.String("source", src.ID), zap.String("feed_url", src.URL), zap.Error(err))
		}
		if wait <= 0 {
			wait = time.Second
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

// tick polls src if it is due and leasable, and returns how long to wait
// before looking again.
func (s *Service) tick(ctx context.Context, src source.Source) (time.Duration, error) {
	st, _, err := s.registry.State(ctx, src.ID)
	if err != nil {
		return 5 * time.Second, err
	}
	now := s.opts.Now()
	switch {
	case st.Status == source.StatusDisabled:
		return time.Minute, nil // re-enabled by updating the source, which restarts this loop
	case st.NextFetch.After(now):
		return min(st.NextFetch.Sub(now), time.Minute), nil
	case st.LeaseOwner != "" && st.LeaseOwner != s.opts.Owner && st.LeaseUntil.After(now):
		return min(st.LeaseUntil.Sub(now), time.Minute), nil
	case s.opts.Disk.Check() != nil:
		return DiskWait, nil // the guard logs the state once, not every source
	}
	_, err = s.Poll(ctx, src)
	if errors.Is(err, source.ErrConflict) {
		return 50 * time.Millisecond, nil // another process took it: look again
	}
	return 0, err
}

// Poll fetches src once now, holding its lease, publishes the items not
// published before and records the outcome and the next fetch time. It
// returns how many items it published.
func (s *Service) Poll(ctx context.Context, src source.Source) (int, error) {
	st, rev, err := s.registry.State(ctx, src.ID)
	if err != nil {
		return 0, err
	}
	if st.Status == source.StatusDisabled {
		return 0, fmt.Errorf("source %q is disabled: %s", src.ID, st.LastError)
	}
	if err := s.opts.Disk.Check(); err != nil {
		return 0, fmt.Errorf("poll %q: %w", src.ID, err)
	}
	now := s.opts.Now()
	if st.LeaseOwner != "" && st.LeaseOwner != s.opts.Owner && st.LeaseUntil.After(now) {
		return 0, fmt.Errorf("poll %q: leased by %s: %w", src.ID, st.LeaseOwner, source.ErrConflict)
	}
	lease := st
	lease.LeaseOwner = s.opts.Owner
	lease.LeaseUntil = now.Add(s.leaseFor())
	rev, err = s.registry.SetState(ctx, src.ID, lease, rev)
	if err != nil {
		return 0, err
	}

	var n int
	var hints fetch.PollHints
	var perr error
	if err := s.hosts.Acquire(ctx, fetch.HostKey(hostOf(src.URL))); err != nil {
		perr = err
	} else {
		n, hints, perr = s.poll(ctx, src, &st)
		s.hosts.Release(fetch.HostKey(hostOf(src.URL)))
	}
	s.opts.Metrics.Ingested(src.ID, n)
	if perr != nil && ctx.Err() == nil {
		s.opts.Metrics.FetchError(src.ID, errorKind(perr))
	}

	now = s.opts.Now()
	st.LeaseOwner, st.LeaseUntil = "", time.Time{}
	st.LastFetch = now.UTC()
	st.Items += int64(n)
	hints.Interval = src.Interval
	switch {
	case perr != nil && ctx.Err() != nil:
		// Shutting down mid-poll: release the lease, due again at once.
		st.NextFetch = time.Time{}
	case errors.Is(perr, disk.ErrLow):
		// Not the source's fault: the feed is fetched again whole (its
		// validators are not saved) once there is room.
		st.NextFetch = now.Add(DiskWait).UTC()
	case perr != nil:
		st.Failed(perr, errorKind(perr), s.opts.MaxFailures)
		var se *fetch.StatusError
		if errors.As(perr, &se) {
			hints.RetryAfter = se.RetryAfter
		}
		delay := max(s.opts.Backoff.Delay(st.Failures), hints.RetryAfter)
		st.NextFetch = now.Add(delay).UTC()
	default:
		st.Succeeded()
		st.NextFetch = now.Add(fetch.NextPoll(hints, nil)).UTC()
	}
	if _, err := s.registry.SetState(context.WithoutCancel(ctx), src.ID, st, rev); err != nil {
		return n, errors.Join(perr, err)
	}
	return n, perr
}

// parseError marks a failure of the feed parser (as opposed to the fetch).
type parseError struct{ err error }

func (e *parseError) Error() string { return e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

// errorKind labels a poll failure for metrics and the sources API: a parse
// error by the parser's kind ("parse_syntax"), anything else by the
// fetcher's ("blocked", "status", "timeout", …).
func errorKind(err error) string {
	var pe *parseError
	if errors.As(err, &pe) {
		return "parse_" + feed.ErrorKind(pe.err)
	}
	return fetch.ErrorKind(err)
}

func (s *Service) leaseFor() time.Duration {
	t := s.opts.Fetch.Timeout
	if t <= 0 {
		t = fetch.DefaultTimeout
	}
	return t + 30*time.Second
}

// poll fetches, parses and publishes; st gets the new validators.
func (s *Service) poll(ctx context.Context, src source.Source, st *source.State) (int, fetch.PollHints, error) {
	var hints fetch.PollHints
	client := s.client
	if src.AllowPrivateNetworks {
		client = s.private
	}
	resp, err := client.Get(ctx, src.URL, fetch.Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		return 0, hints, err // names the URL already
	}
	hints.MaxAge, hints.RetryAfter = resp.MaxAge, resp.RetryAfter
	if resp.NotModified {
		return 0, hints, nil
	}
	base := src.URL
	if resp.FinalURL != "" {
		base = resp.FinalURL // relative links resolve against where the feed really is
	}
	f, err := feed.Parse(ctx, resp.Body, resp.ContentType, base)
	if err != nil {
		return 0, hints, &parseError{err: err} // names the URL already
	}
	hints.TTL = f.TTL
	fetched := s.opts.Now().UTC()
	published := 0
	for _, e := range f.Entries {
		it, ok := toItem(src, f, e, fetched)
		if !ok {
			continue
		}
		isNew, err := s.Publish(ctx, it)
		if err != nil {
			return published, hints, err
		}
		if isNew {
			published++
		}
	}
	// Validators are saved only once every item is published, so a crash
	// mid-feed refetches the whole feed instead of skipping items.
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	return published, hints, nil
}

// Publish publishes an item unless its id is known; it reports whether the
// item was new. The id is recorded in vigie_seen after JetStream
// acknowledged the message.
//
// While the data folder is nearly full it returns an error matching
// disk.ErrLow, before anything is written.
func (s *Service) Publish(ctx context.Context, it claims.Item) (bool, error) {
	id := it.ID
	if err := s.opts.Disk.Check(); err != nil {
		return false, fmt.Errorf("item %s not published: %w", id, err)
	}
	if _, err := s.seen.Get(ctx, id); err == nil {
		return false, nil
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, fmt.Errorf("check item %s: %w", id, err)
	}
	data, err := codec.EncodeItem(it)
	if err != nil {
		return false, err
	}
	dup, err := s.bus.Publish(ctx, bus.ItemSubject(kindToken(it), it.SourceID), data, id, nil)
	if err != nil {
		return false, fmt.Errorf("publish item %s: %w", id, err)
	}
	if _, err := s.seen.Put(ctx, id, []byte(it.SourceID)); err != nil {
		return false, fmt.Errorf("record item %s: %w", id, err)
	}
	if dup {
		s.log.Debug("item already on stream", zap.String("item_id", id), zap.String("source", it.SourceID))
		return false, nil
	}
	return true, nil
}
