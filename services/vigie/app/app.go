package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/disk"
	"vigie/pipeline/index"
	"vigie/pipeline/metrics"
	"vigie/pipeline/review"
	"vigie/pipeline/source"
	"vigie/pipeline/subscription"
	"vigie/services/alerter"
	"vigie/services/ingester"
	"vigie/services/publisher"
	"vigie/services/reviewer"
	"vigie/services/vigie/config"
)

// Options are what an embedder adds to the configuration: the demo, the
// benchmark and the tests start the same application with a few more
// inputs. The zero value is `vigie serve`.
type Options struct {
	// Log receives the process's logs (default: none).
	Log *zap.Logger
	// Out receives what the operator must read at start: the first admin's
	// one-time password, a warning that the disk is nearly full (default:
	// discarded).
	Out io.Writer
	// Sources are registered beside the configuration file's sources when
	// the process runs the ingester. Like those, they belong to the start
	// that gives them: a later start without them removes them. Their
	// origin must not be source.OriginAPI (the sources an operator added).
	Sources []source.Source
	// AllowAddrs are "ip:port" destinations the fetcher may reach although
	// they are private (a feed server of the embedder's own, on loopback).
	AllowAddrs []string
	// FactChecks are added to the matcher's store beside the files of the
	// configuration.
	FactChecks []claims.FactCheck
	// Localities are added to those of the configuration's gazetteers.
	Localities []locality.Locality
	// WrapIndex, when set, wraps the search backend before any service
	// uses it (fault injection, measurements).
	WrapIndex func(index.Backend) index.Backend
	// Policy, when set, adjusts the route policy (built from the routes
	// the process serves) before the HTTP server serves: a deliberate
	// exception to a declared route, with account.Policy.Allow.
	Policy func(*account.Policy)
}

// App is a running Vigie process. Its accessors give embedders and tests
// the parts they drive; a service the configuration does not run is nil.
type App struct {
	cfg config.Config
	opt Options
	log *zap.Logger

	emb      *bus.Embedded
	bus      *bus.Bus
	idx      index.Backend
	metrics  *metrics.Metrics
	disk     *disk.Guard
	ready    []reviewer.Readiness
	registry *source.Registry

	listener net.Listener
	httpAddr string
	site     review.Site
	httpSrv  *http.Server

	accounts *account.Store
	review   *review.Workflow
	policy   *account.Policy
	cookie   account.Cookie

	alerter    *alerter.Service
	ing        *ingester.Service
	intake     *ingester.Intake
	sources    []source.Source
	factchecks int
	rev        *reviewer.Server
	// publisher serves the public verdict pages and feeds.
	publisher *publisher.Service

	// Each stage has its own context so that Shutdown stops them in order
	// (the reverse of their start order).
	stages    []stage
	stopWatch context.CancelFunc
	watchDone chan struct{}

	stopped sync.Once
	closed  sync.Once
}

// stage is one service loop of the process.
type stage struct {
	name   string
	run    func(context.Context) error
	cancel context.CancelFunc
	done   chan struct{}
}

// Start starts every service cfg runs and returns once the HTTP server
// listens and the data folder's endpoint file is written. On error,
// whatever was started is released.
func Start(ctx context.Context, cfg config.Config, opt Options) (_ *App, err error) {
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	a := &App{cfg: cfg, opt: opt, log: opt.Log}
	defer func() {
		if err != nil {
			a.abort()
		}
	}()
	steps := []func(context.Context) error{
		a.prepareData,    // the data folder and its disk guard
		a.connectBus,     // the embedded or external NATS server, the topology
		a.openIndex,      // the search index, rebuilt when its schema changed
		a.listen,         // the HTTP address, and with it the public base URL
		a.openAccounts,   // users, sessions, tokens; the first admin
		a.openReview,     // the review workflow, actions a crash left half done
		a.buildAlerter,   // the stages, downstream first: alerter,
		a.buildIndexer,   // indexer,
		a.buildMatcher,   // matcher,
		a.buildIngester,  // ingester (and the tipline intake)
		a.buildReviewer,  // the review UI and API, the operations routes
		a.buildPublisher, // the public verdict pages and feeds
		a.serveHTTP,      // every route behind the authenticator
		a.startStages,    // the service loops, then the watchers
		a.writeEndpoint,  // other subcommands find this process
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	a.log.Info("vigie serving", zap.String("http", "http://"+a.httpAddr), zap.String("data", cfg.Data),
		zap.Strings("services", stageNames(a.stages)), zap.Int("sources", len(a.sources)), zap.Int("factchecks", a.factchecks))
	return a, nil
}

// Announce writes the line that tells the operator where Vigie serves.
func (a *App) Announce(w io.Writer) {
	fmt.Fprintf(w, "Vigie is serving the review queue on http://%s/ (data in %s)\n", a.httpAddr, a.cfg.Data)
}

// HTTPAddr is the address the HTTP server listens on (host:port).
func (a *App) HTTPAddr() string { return a.httpAddr }

// BaseURL is the site's public root, without a trailing slash.
func (a *App) BaseURL() string { return a.site.BaseURL }

// Bus is the process's NATS connection.
func (a *App) Bus() *bus.Bus { return a.bus }

// Index is the search backend (nil unless the process runs the indexer or
// the reviewer).
func (a *App) Index() index.Backend { return a.idx }

// Accounts is the account store.
func (a *App) Accounts() *account.Store { return a.accounts }

// Review is the review workflow.
func (a *App) Review() *review.Workflow { return a.review }

// Subscriptions is the alerter's subscription store (nil unless the
// process runs the alerter).
func (a *App) Subscriptions() *subscription.Store {
	if a.alerter == nil {
		return nil
	}
	return a.alerter.Subscriptions()
}

// Registry is the source registry.
func (a *App) Registry() *source.Registry { return a.registry }

// Sources are the sources this start registered: the configuration's and
// Options.Sources (none unless the process runs the ingester).
func (a *App) Sources() []source.Source { return a.sources }

// Ingester is the ingester service (nil unless the process runs it).
func (a *App) Ingester() *ingester.Service { return a.ing }

// Intake is the tipline intake handler (nil unless the process runs the
// ingester with intake.secret_file set).
func (a *App) Intake() *ingester.Intake { return a.intake }

// Shutdown stops in order under ctx's deadline (shutdown.timeout when ctx
// has none): readiness false, the stages in the reverse of their start
// order (the ingester first; the matcher finishes its batch, the indexer
// flushes), the watchers, the NATS connection (drained), the HTTP server,
// the index and the embedded NATS server. Later calls do nothing.
func (a *App) Shutdown(ctx context.Context) error {
	err := error(nil)
	a.stopped.Do(func() {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.cfg.Shutdown.Timeout.D())
			defer cancel()
		}
		err = a.shutdown(ctx)
	})
	return err
}

func (a *App) shutdown(ctx context.Context) error {
	wait := func(name string, stop context.CancelFunc, done chan struct{}) {
		if stop == nil {
			return
		}
		stop()
		select {
		case <-done:
		case <-ctx.Done():
			a.log.Warn("stage did not stop before the deadline", zap.String("stage", name))
		}
	}
	a.rev.SetDraining()
	for i := len(a.stages) - 1; i >= 0; i-- {
		wait(a.stages[i].name, a.stages[i].cancel, a.stages[i].done)
	}
	wait("watch", a.stopWatch, a.watchDone)
	a.bus.Close()
	err := a.httpSrv.Shutdown(ctx)
	a.abort()
	a.log.Info("stopped")
	return err
}

// abort releases whatever was started, without ordering: after a failed
// start, and at the end of Shutdown.
func (a *App) abort() {
	a.closed.Do(func() {
		if a.listener != nil && a.httpSrv == nil {
			_ = a.listener.Close()
		}
		if a.idx != nil {
			_ = a.idx.Close()
		}
		if a.bus != nil && a.httpSrv == nil {
			a.bus.NC.Close()
		}
		if a.emb != nil {
			bus.RemoveEndpoint(a.cfg.Data)
			a.emb.Shutdown()
		}
	})
}

// prepareData creates the data folder and its disk guard. A nearly full
// disk does not stop the start: /readyz says why, accepted items are
// processed, and new ones flow again as soon as space is freed.
func (a *App) prepareData(context.Context) error {
	if err := os.MkdirAll(a.cfg.Data, 0o700); err != nil {
		return fmt.Errorf("create data folder %q: %w", a.cfg.Data, err)
	}
	a.disk = disk.NewGuard(a.cfg.Data, uint64(a.cfg.DataMinFree), a.log)
	if err := a.disk.Check(); err != nil {
		fmt.Fprintf(a.opt.Out, "warning: %v\n", err)
	}
	a.metrics = metrics.New()
	return nil
}

// writeEndpoint writes DATA/nats-endpoint.json, through which the other
// subcommands reach this process.
func (a *App) writeEndpoint(context.Context) error {
	ep := bus.Endpoint{HTTPAddr: a.httpAddr, PID: os.Getpid()}
	if a.emb != nil {
		e := a.emb.Endpoint()
		ep.URL, ep.User, ep.Password = e.URL, e.User, e.Password
	}
	return bus.WriteEndpoint(a.cfg.Data, ep)
}

func stageNames(st []stage) []string {
	out := make([]string, len(st))
	for i, s := range st {
		out[i] = s.name
	}
	return out
}
