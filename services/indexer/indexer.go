package indexer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/pipeline/metrics"
	"vigie/pipeline/review"
)

// Options configure the indexer.
type Options struct {
	// BatchSize is the most CLAIMS messages written at once (default 500).
	BatchSize int
	// FlushInterval is the longest wait for a batch to fill (default 200ms).
	FlushInterval time.Duration
	// WriteTimeout bounds one batch write (default 60s).
	WriteTimeout time.Duration
	// Review is the review-state bucket; claims take their status from it.
	Review jetstream.KeyValue
	// Judgements, when set, follows the match judgements: a judgement made
	// for a claim's cluster shows on each claim of the cluster.
	Judgements *review.JudgementIndex
	// Metrics records batch and stage latency; nil records nothing.
	Metrics *metrics.Metrics
	// Retention, when set, deletes claims detected longer ago than this
	// whose review never started (new or dismissed), every PurgeEvery.
	Retention time.Duration
	// PurgeEvery is the period of the retention purge (default 1h).
	PurgeEvery time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service writes claims to an index backend.
type Service struct {
	bus     *bus.Bus
	backend index.Backend
	opts    Options
	retry   bus.WorkerConfig // backoff and delivery limit; zero values take the bus defaults
	log     *zap.Logger
}

// New returns an indexer writing to backend.
func New(b *bus.Bus, backend index.Backend, opts Options, log *zap.Logger) *Service {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 200 * time.Millisecond
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 60 * time.Second
	}
	return &Service{bus: b, backend: backend, opts: opts, log: log.Named("indexer")}
}

// Run consumes CLAIMS and REVIEW until ctx ends; the batches in hand are
// written before it returns.
func (s *Service) Run(ctx context.Context) error {
	claims, err := s.bus.Consumer(ctx, bus.StreamClaims, bus.ConsumerIndexer)
	if err != nil {
		return err
	}
	review, err := s.bus.Consumer(ctx, bus.StreamReview, bus.ConsumerReview)
	if err != nil {
		return err
	}
	if j := s.opts.Judgements; j != nil {
		go func() {
			if err := j.Run(ctx); err != nil {
				s.log.Error("judgements follower stopped", zap.Error(err))
			}
		}()
		select {
		case <-j.Ready():
		case <-ctx.Done():
			return nil
		}
	}
	errc := make(chan error, 1)
	go func() {
		errc <- s.bus.Work(ctx, review, s.worker(100), s.handleReview)
	}()
	if s.opts.Retention > 0 {
		go s.purgeLoop(ctx)
	}
	err = s.bus.Work(ctx, claims, s.worker(s.opts.BatchSize), s.handle)
	return errors.Join(err, <-errc)
}

func (s *Service) handle(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	var docs []index.Document
	var good []int
	var fetched []time.Time
	perMsg := map[int][]index.Document{}
	for i, m := range msgs {
		ic, err := codec.DecodeItemClaims(m.Data())
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		if !ic.Fetched.IsZero() {
			fetched = append(fetched, ic.Fetched)
		}
		d, err := docsWithReview(ctx, s.opts.Review, s.opts.Judgements, ic)
		if err != nil {
			errs[i] = err
			continue
		}
		docs = append(docs, d...)
		perMsg[i] = d
		good = append(good, i)
	}
	if len(docs) == 0 {
		for _, f := range fetched {
			s.opts.Metrics.Stage(bus.StageIndexer, f)
		}
		return errs
	}
	wctx, cancel := context.WithTimeout(ctx, s.opts.WriteTimeout)
	defer cancel()
	start := time.Now()
	if err := s.backend.Upsert(wctx, docs); err != nil {
		if errors.Is(err, index.ErrInvalidDocument) {
			// One message carries a document the backend will never take:
			// write message by message so only that one is dead-lettered.
			for _, i := range good {
				if err := s.backend.Upsert(wctx, perMsg[i]); err != nil {
					if errors.Is(err, index.ErrInvalidDocument) {
						err = bus.Permanent(err)
					}
					errs[i] = err
				}
			}
			return errs
		}
		err = fmt.Errorf("index batch of %d documents: %w", len(docs), err)
		s.log.Warn("index write failed", zap.Int("docs", len(docs)), zap.Error(err))
		for _, i := range good {
			errs[i] = err
		}
		return errs
	}
	s.opts.Metrics.IndexBatchTook(time.Since(start))
	for _, f := range fetched {
		s.opts.Metrics.Stage(bus.StageIndexer, f)
	}
	s.log.Debug("batch indexed", zap.Int("messages", len(good)), zap.Int("docs", len(docs)), zap.Duration("took", time.Since(start)))
	return errs
}

// worker is the runner configuration. A failing backend is an outage, not
// a poison message: writes are retried with capped backoff for as long as
// it lasts (no delivery limit); undecodable messages are dead-lettered at
// once as permanent failures.
func (s *Service) worker(batch int) bus.WorkerConfig {
	w := s.retry
	w.Stage, w.Batch, w.MaxWait = bus.StageIndexer, batch, s.opts.FlushInterval
	if w.MaxDeliver == 0 {
		w.MaxDeliver = math.MaxInt32
	}
	if w.MaxBackoff == 0 {
		w.MaxBackoff = 5 * time.Second
	}
	return w
}

func (s *Service) purgeLoop(ctx context.Context) {
	every := s.opts.PurgeEvery
	if every <= 0 {
		every = time.Hour
	}
	for {
		if n, err := s.Purge(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("retention purge failed", zap.Error(err))
		} else if n > 0 {
			s.log.Info("retention purge", zap.Int("claims", n))
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Purge deletes the claims older than the retention whose review never
// started; claims under review or with a verdict are kept.
func (s *Service) Purge(ctx context.Context) (int, error) {
	now := time.Now
	if s.opts.Now != nil {
		now = s.opts.Now
	}
	cutoff := now().Add(-s.opts.Retention).UTC().Format(time.RFC3339)
	filter := fmt.Sprintf("detected < %q AND status IN [new, dismissed]", cutoff)
	total := 0
	for {
		res, err := s.backend.Search(ctx, index.Query{Filter: filter, Limit: 1000})
		if err != nil {
			return total, fmt.Errorf("retention purge: %w", err)
		}
		if len(res.Hits) == 0 {
			return total, nil
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		if err := s.backend.Delete(ctx, ids); err != nil {
			return total, fmt.Errorf("retention purge: %w", err)
		}
		total += len(ids)
	}
}
