package matcher

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/metrics"
)

// Options configure the matcher.
type Options struct {
	// Batch is how many items are fetched at once (default 64).
	Batch int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics records stage latency; nil records nothing.
	Metrics *metrics.Metrics
	// Follower, when set, keeps the store in step with the fact-check
	// bucket; Run waits until its current content is applied.
	Follower *Follower
	// Clusters, when set, gives claims that state the same claim one
	// cluster id and carries the cluster's counts.
	Clusters *Clusters
	// Places, when set, adds the localities named in an item's text to
	// those it inherits from its source.
	Places *locality.Matcher
	// Models, when set, gives the engine the workspace's chosen re-ranking
	// model (the engine passed to New is its shipped-model base).
	Models *Models
	// Rejections, when set, drops the matches a person rejected for the
	// claim or its cluster.
	Rejections *Rejections
}

// Service runs the claims engine over ITEMS.
type Service struct {
	bus    *bus.Bus
	engine *claims.Engine
	opts   Options
	log    *zap.Logger
}

// New returns a matcher using engine.
func New(b *bus.Bus, engine *claims.Engine, opts Options, log *zap.Logger) *Service {
	if opts.Batch <= 0 {
		opts.Batch = 64
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{bus: b, engine: engine, opts: opts, log: log.Named("matcher")}
}

// Run consumes until ctx ends, finishing the batch in hand.
func (s *Service) Run(ctx context.Context) error {
	var followers []interface {
		Run(context.Context) error
		Ready() <-chan struct{}
	}
	if s.opts.Follower != nil {
		followers = append(followers, s.opts.Follower)
	}
	if s.opts.Clusters != nil {
		followers = append(followers, s.opts.Clusters)
	}
	if s.opts.Models != nil {
		followers = append(followers, s.opts.Models)
	}
	if s.opts.Rejections != nil {
		followers = append(followers, s.opts.Rejections)
	}
	for _, f := range followers {
		go func() {
			if err := f.Run(ctx); err != nil {
				s.log.Error("bucket follower stopped", zap.Error(err))
			}
		}()
		select {
		case <-f.Ready():
		case <-ctx.Done():
			return nil
		}
	}
	cons, err := s.bus.Consumer(ctx, bus.StreamItems, bus.ConsumerMatcher)
	if err != nil {
		return err
	}
	return s.bus.Work(ctx, cons, bus.WorkerConfig{Stage: bus.StageMatcher, Batch: s.opts.Batch}, s.handle)
}

// handle analyses a batch on every core: items are independent, and the
// engine and the stores are safe for concurrent use.
func (s *Service) handle(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	workers := min(runtime.GOMAXPROCS(0), len(msgs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = s.process(ctx, msgs[i].Data(), msgs[i].Headers().Get(HeaderRematch))
			}
		}()
	}
	for i := range msgs {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

// process analyses one encoded item and publishes its claims; rematch
// names the re-match request of an item published again ("" for a new item).
func (s *Service) process(ctx context.Context, data []byte, rematch string) error {
	it, err := codec.DecodeItem(data)
	if err != nil {
		return bus.Permanent(err)
	}
	engine := s.engine
	if s.opts.Models != nil {
		engine = s.opts.Models.Engine()
	}
	cs := engine.Analyze(it)
	for i := range cs {
		cs[i].Paragraph = claims.ParagraphOf(it, cs[i].Text)
	}
	out := claims.NewItemClaims(it, cs, s.opts.Now().UTC())
	out.Localities = s.localities(it) // places.go: the places the item is about
	if s.opts.Clusters != nil {
		if err := s.opts.Clusters.assignAll(ctx, &out); err != nil {
			return err
		}
	}
	if s.opts.Rejections != nil {
		s.opts.Rejections.Drop(out.Claims, engine.Config().WorthinessThreshold)
	}
	if s.opts.Follower != nil {
		out.StoreRevision = s.opts.Follower.Revision()
	}
	b, err := codec.EncodeItemClaims(out)
	if err != nil {
		return bus.Permanent(err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	msgID := it.ID
	if rematch != "" {
		msgID += ".rematch." + rematch
	}
	if _, err := s.bus.Publish(pctx, bus.ClaimsSubject(out.Language), b, msgID, nil); err != nil {
		return err
	}
	s.opts.Metrics.Stage(bus.StageMatcher, it.Fetched)
	s.log.Debug("item analysed", zap.String("item_id", it.ID), zap.Int("claims", len(cs)), zap.String("rematch", rematch))
	return nil
}
