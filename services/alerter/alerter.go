package alerter

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims/locality"
	"vigie/pipeline/bus"
	"vigie/pipeline/metrics"
	"vigie/pipeline/publish"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
)

// Options configure the alerter; zero fields take defaults.
type Options struct {
	// BaseURL is the public root of the site ("https://verif.example.org"):
	// claim pages are BaseURL/claims/<id>, verdict pages BaseURL/verdicts/<id>,
	// feeds BaseURL/feeds/alerts/…. Required.
	BaseURL string
	// Publisher is the newsroom named in feeds and CAP messages (default "Vigie").
	Publisher publish.Party
	// CAPSender is the CAP sender ("alerts@verif.example.org"); default
	// "vigie@" + the BaseURL host.
	CAPSender string
	// Gazetteer names localities in CAP areas; codes are used when nil.
	Gazetteer *locality.Gazetteer

	// Window is the deduplication window: at most one flagged and one
	// trending alert per subscription and cluster in each window (default 24h).
	Window time.Duration
	// TrendingItems is how many distinct items of one cluster in a window
	// make it trend (default 5).
	TrendingItems int
	// TrendingSources is how many distinct sources they must come from (default 3).
	TrendingSources int
	// RequireConfirmation stops every alert from automatic matches, even
	// for subscriptions with early warning on. Without it, only those
	// subscriptions get them (labelled unconfirmed, never on CAP): by
	// default only a published verdict or a confirmed match alerts.
	RequireConfirmation bool

	// Policy is the webhook retry schedule (default webhook.DefaultPolicy).
	Policy webhook.Policy
	// Disable says when a failing endpoint is disabled (default webhook.DefaultDisablePolicy).
	Disable webhook.DisablePolicy
	// AllowPrivateNetworks lets webhooks reach loopback and private
	// addresses; AllowAddrs allows exact "ip:port" destinations only.
	AllowPrivateNetworks bool
	AllowAddrs           []string

	// Authorize, when set, replaces the subscriptions API's owner check
	// (owner "" for admin-only operations); nil: the request's principal
	// decides, admins for every owner, a subscriber for itself.
	Authorize func(r *http.Request, owner string) bool

	// FeedLimit is the most entries in a private feed (default 100).
	FeedLimit int
	// Metrics counts deliveries; nil counts nothing.
	Metrics *metrics.Metrics
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand returns numbers in [0,1) for the retry jitter (default math/rand/v2).
	Rand func() float64
}

// Service raises and delivers alerts.
type Service struct {
	bus     *bus.Bus
	opts    Options
	log     *zap.Logger
	subs    *subscription.Store
	dlog    *subscription.DeliveryLog
	alerts  jetstream.KeyValue
	states  jetstream.KeyValue
	trends  jetstream.KeyValue
	deliver *webhook.Deliverer
	// grants are opened on first use by grantStore (api.go).
	grantsMu sync.Mutex
	grants   *subscription.Grants
}

func withDefaults(o Options) Options {
	if o.Publisher.Name == "" {
		o.Publisher.Name = "Vigie"
	}
	if o.Window <= 0 {
		o.Window = 24 * time.Hour
	}
	if o.TrendingItems <= 0 {
		o.TrendingItems = 5
	}
	if o.TrendingSources <= 0 {
		o.TrendingSources = 3
	}
	def := webhook.DefaultPolicy()
	if o.Policy == (webhook.Policy{}) {
		o.Policy = def
	}
	if o.Policy.AttemptTimeout <= 0 {
		o.Policy.AttemptTimeout = def.AttemptTimeout
	}
	if o.FeedLimit <= 0 {
		o.FeedLimit = 100
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// New declares the alerter's buckets, stream and consumers (idempotently)
// and returns the service.
func New(b *bus.Bus, opts Options, log *zap.Logger) (*Service, error) {
	if b == nil {
		return nil, errors.New("new alerter: no bus")
	}
	if log == nil {
		log = zap.NewNop()
	}
	if err := checkBaseURL(opts.BaseURL); err != nil {
		return nil, fmt.Errorf("new alerter: %w", err)
	}
	opts = withDefaults(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	decl := b.Topology().Alerting(opts.Window, opts.Policy.AttemptTimeout, 0)
	kvs := map[string]jetstream.KeyValue{}
	for _, kc := range decl.Buckets {
		kv, err := b.JS.CreateOrUpdateKeyValue(ctx, kc)
		if err != nil {
			return nil, fmt.Errorf("new alerter: declare bucket %s: %w", kc.Bucket, err)
		}
		kvs[kc.Bucket] = kv
	}
	if _, err := b.JS.CreateOrUpdateStream(ctx, decl.Stream); err != nil {
		return nil, fmt.Errorf("new alerter: declare stream %s: %w", decl.Stream.Name, err)
	}
	for st, cc := range decl.Consumers {
		if _, err := b.JS.CreateOrUpdateConsumer(ctx, st, cc); err != nil {
			return nil, fmt.Errorf("new alerter: declare consumer %s on %s: %w", cc.Durable, st, err)
		}
	}
	log = log.Named("alerter")
	s := &Service{
		bus: b, opts: opts, log: log,
		subs:   subscription.NewStore(kvs[bus.BucketSubscriptions], opts.Now),
		dlog:   subscription.NewDeliveryLog(kvs[bus.BucketDeliveries]),
		alerts: kvs[bus.BucketAlerts], states: kvs[bus.BucketAlertStates], trends: kvs[bus.BucketTrends],
	}
	s.deliver = webhook.NewDeliverer(webhook.Options{
		Client: guardedClient(opts.AllowPrivateNetworks, opts.AllowAddrs),
		Policy: opts.Policy, Clock: clock{now: opts.Now}, Rand: opts.Rand, Logger: log,
	})
	return s, nil
}

// Subscriptions returns the subscription store (for the CLI and the demo).
func (s *Service) Subscriptions() *subscription.Store { return s.subs }

// Deliveries returns the delivery log.
func (s *Service) Deliveries() *subscription.DeliveryLog { return s.dlog }

// Run consumes CLAIMS, VERDICTS, REVIEW and the delivery queue until ctx
// ends; the batches in hand are finished before it returns.
func (s *Service) Run(ctx context.Context) error {
	var cons [4]jetstream.Consumer
	for i, ref := range [4][2]string{{bus.StreamClaims, bus.ConsumerAlerter}, {bus.StreamVerdicts, bus.ConsumerAlerter},
		{bus.StreamDeliveries, bus.ConsumerDeliveries}, {bus.StreamReview, bus.ConsumerAlerter}} {
		c, err := s.bus.Consumer(ctx, ref[0], ref[1])
		if err != nil {
			if ctx.Err() != nil {
				return nil // stopped before starting
			}
			return fmt.Errorf("run alerter: %w", err)
		}
		cons[i] = c
	}
	claims, verdicts, deliveries, review := cons[0], cons[1], cons[2], cons[3]
	// A failing KV or publish is an outage, not a poison message: retried
	// with capped backoff for as long as it lasts; undecodable messages are
	// dead-lettered at once as permanent failures.
	cfg := bus.WorkerConfig{Stage: bus.StageAlerter, Batch: 50, MaxDeliver: math.MaxInt32, MaxBackoff: 10 * time.Second}
	errc := make(chan error, 3)
	go func() { errc <- s.bus.Work(ctx, verdicts, cfg, s.handleVerdicts) }()
	go func() { errc <- s.runDeliveries(ctx, deliveries) }()
	go func() { errc <- s.bus.Work(ctx, review, cfg, s.handleReview) }()
	err := s.bus.Work(ctx, claims, cfg, s.handleClaims)
	return errors.Join(err, <-errc, <-errc, <-errc)
}

// clock adapts Options.Now to webhook.Clock.
type clock struct{ now func() time.Time }

func (c clock) Now() time.Time { return c.now() }

func (c clock) Sleep(ctx context.Context, d time.Duration) error {
	return webhook.SystemClock{}.Sleep(ctx, d)
}
