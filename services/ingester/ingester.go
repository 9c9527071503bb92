package ingester

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"vigie/pipeline/bus"
	"vigie/pipeline/feed"
	"vigie/pipeline/fetch"
	"vigie/pipeline/metrics"
)

// Source is one source the ingester polls.
type Source struct {
	ID, Name, Kind, URL, Language string
	Localities                    []string
	Interval                      time.Duration
	AllowPrivateNetworks          bool
}

// Options configure the ingester.
type Options struct {
	// Fetch bounds every request; AllowPrivateNetworks applies to all sources.
	Fetch fetch.Config
	// MaxFailures disables a source after that many consecutive failures (default 10).
	MaxFailures int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics records items and fetch errors; nil records nothing.
	Metrics *metrics.Metrics
}

// Service polls sources and publishes their new items.
type Service struct {
	bus     *bus.Bus
	seen    jetstream.KeyValue
	states  jetstream.KeyValue
	sources []Source
	client  *fetch.Client
	private *fetch.Client
	opts    Options
	log     *zap.Logger
}

// New returns an ingester over the declared buckets of b.
func New(ctx context.Context, b *bus.Bus, sources []Source, opts Options, log *zap.Logger) (*Service, error) {
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
	if opts.Now == nil {
		opts.Now = time.Now
	}
	priv := opts.Fetch
	priv.AllowPrivateNetworks = true
	return &Service{
		bus: b, seen: seen, states: states, sources: sources,
		client: fetch.New(opts.Fetch), private: fetch.New(priv),
		opts: opts, log: log.Named("ingester"),
	}, nil
}

// Run polls every source on its interval until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, src := range s.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, src)
		}()
	}
	wg.Wait()
	return nil
}

func (s *Service) loop(ctx context.Context, src Source) {
	interval := src.Interval
	if interval <= 0 {
		interval = 10 * time.Minute
	}
	for ctx.Err() == nil {
		_, err := s.Poll(ctx, src)
		wait := interval
		if err != nil && ctx.Err() == nil {
			s.log.Warn("poll failed", zap.String("source", src.ID), zap.String("feed_url", src.URL), zap.Error(err))
		}
		if errors.Is(err, errDisabled) {
			return
		}
		// Up to 10% jitter so that sources started together spread out.
		wait += time.Duration(rand.Int64N(int64(wait)/10 + 1))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

var errDisabled = errors.New("source disabled")

// Poll fetches src once and publishes the items not published before. It
// returns how many items it published.
func (s *Service) Poll(ctx context.Context, src Source) (int, error) {
	st, _, err := loadState(ctx, s.states, src.ID)
	if err != nil {
		return 0, err
	}
	if st.Status == StatusDisabled {
		return 0, fmt.Errorf("poll %q: %w: %s", src.ID, errDisabled, st.LastError)
	}
	n, perr := s.poll(ctx, src, &st)
	s.opts.Metrics.Ingested(src.ID, n)
	if perr != nil && ctx.Err() == nil {
		s.opts.Metrics.FetchError(src.ID, fetch.ErrorKind(perr))
	}
	if ctx.Err() != nil && perr != nil {
		return n, perr // shutting down: keep the state as it was
	}
	st.LastFetch = s.opts.Now().UTC()
	st.Items += int64(n)
	if perr != nil {
		st.Failures++
		st.LastError = perr.Error()
		st.Status = StatusError
		if st.Failures >= s.opts.MaxFailures {
			st.Status = StatusDisabled
			perr = fmt.Errorf("%w after %d failures: %w", errDisabled, st.Failures, perr)
		}
	} else {
		st.Failures = 0
		st.LastError = ""
		st.Status = StatusOK
	}
	if err := saveState(context.WithoutCancel(ctx), s.states, st); err != nil {
		return n, errors.Join(perr, err)
	}
	return n, perr
}

func (s *Service) poll(ctx context.Context, src Source, st *State) (int, error) {
	client := s.client
	if src.AllowPrivateNetworks {
		client = s.private
	}
	resp, err := client.Get(ctx, src.URL, fetch.Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		return 0, fmt.Errorf("fetch feed %q: %w", src.URL, err)
	}
	if resp.NotModified {
		return 0, nil
	}
	f, err := feed.Parse(ctx, resp.Body, resp.ContentType, src.URL)
	if err != nil {
		return 0, fmt.Errorf("parse feed %q: %w", src.URL, err)
	}
	fetched := s.opts.Now().UTC()
	published := 0
	for _, e := range f.Entries {
		it, ok := toItem(src, f, e, fetched)
		if !ok {
			continue
		}
		isNew, err := s.publish(ctx, src, it)
		if err != nil {
			return published, err
		}
		if isNew {
			published++
		}
	}
	// Validators are saved only once every item is published, so a crash
	// mid-feed refetches the whole feed instead of skipping items.
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	return published, nil
}

// publish publishes it unless its id is known; it reports whether the item was new.
func (s *Service) publish(ctx context.Context, src Source, itm interface {
	GetId() string
	proto.Message
}) (bool, error) {
	id := itm.GetId()
	if _, err := s.seen.Get(ctx, id); err == nil {
		return false, nil
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, fmt.Errorf("check item %s: %w", id, err)
	}
	data, err := proto.Marshal(itm)
	if err != nil {
		return false, fmt.Errorf("encode item %s: %w", id, err)
	}
	dup, err := s.bus.Publish(ctx, bus.ItemSubject(src.Kind, src.ID), data, id, nil)
	if err != nil {
		return false, fmt.Errorf("publish item %s: %w", id, err)
	}
	if _, err := s.seen.Put(ctx, id, []byte(src.ID)); err != nil {
		return false, fmt.Errorf("record item %s: %w", id, err)
	}
	if dup {
		s.log.Debug("item already on stream", zap.String("item_id", id), zap.String("source", src.ID))
		return false, nil
	}
	return true, nil
}

// States returns the fetch state of every configured source, in config order.
func (s *Service) States(ctx context.Context) ([]State, error) {
	out := make([]State, 0, len(s.sources))
	for _, src := range s.sources {
		st, _, err := loadState(ctx, s.states, src.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
