package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/claimreview"
	"vigie/claims/locality"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/disk"
	"vigie/pipeline/fetch"
	"vigie/pipeline/index"
	"vigie/pipeline/metrics"
	"vigie/pipeline/publish"
	"vigie/pipeline/queue"
	"vigie/pipeline/retry"
	"vigie/pipeline/review"
	"vigie/pipeline/source"
	"vigie/pipeline/subscription"
	"vigie/services/alerter"
	"vigie/services/indexer"
	"vigie/services/ingester"
	"vigie/services/matcher"
	"vigie/services/publisher"
	"vigie/services/reviewer"
	"vigie/services/vigie/config"
)

// serveFlags are the flags of `vigie serve`; a flag given wins over the file and the environment.
type serveFlags struct {
	config, data, http, natsURL, index, meiliURL, meiliKeyFile, only string
	demo                                                             bool
}

func parseServeFlags(args []string, stderr io.Writer) (serveFlags, *flag.FlagSet, error) {
	var f serveFlags
	fs := flag.NewFlagSet("vigie serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "YAML configuration `file`")
	fs.StringVar(&f.data, "data", "", "data `folder` (default ./vigie-data)")
	fs.StringVar(&f.http, "http", "", "HTTP listen `address` (default 127.0.0.1:8080)")
	fs.StringVar(&f.natsURL, "nats-url", "", "external NATS server `urls`, comma-separated (default: embedded server)")
	fs.StringVar(&f.index, "index", "", "search backend: bleve or meilisearch")
	fs.StringVar(&f.meiliURL, "meili-url", "", "Meilisearch `url`")
	fs.StringVar(&f.meiliKeyFile, "meili-key-file", "", "`file` holding the Meilisearch key")
	fs.StringVar(&f.only, "only", "", "run only these `services`, comma-separated: ingester,matcher,indexer,reviewer (default all)")
	fs.BoolVar(&f.demo, "demo", false, "serve bundled sample feeds and fact-checks from a loopback server")
	if err := fs.Parse(args); err != nil {
		return f, fs, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigie serve: unexpected argument %q\n", fs.Arg(0))
		return f, fs, errUsage
	}
	return f, fs, nil
}

// loadConfig applies file, environment, then flags.
func loadConfig(f serveFlags) (config.Config, error) {
	cfg, err := config.Load(f.config, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	if f.data != "" {
		cfg.Data = f.data
	}
	if f.http != "" {
		cfg.HTTP.Addr = f.http
	}
	if f.natsURL != "" {
		cfg.NATS.URL = strings.Split(f.natsURL, ",")
	}
	if f.index != "" {
		cfg.Index.Backend = f.index
	}
	if f.meiliURL != "" {
		cfg.Meili.URL = f.meiliURL
	}
	if f.meiliKeyFile != "" {
		cfg.Meili.KeyFile = f.meiliKeyFile
	}
	if f.only != "" {
		cfg.Services = nil
		for _, svc := range strings.Split(f.only, ",") {
			svc = strings.TrimSpace(svc)
			if !slices.Contains(config.KnownServices, svc) {
				return cfg, fmt.Errorf("--only: unknown service %q (want some of %s)", svc, strings.Join(config.KnownServices, ", "))
			}
			cfg.Services = append(cfg.Services, svc)
		}
	}
	switch cfg.Index.Backend {
	case "bleve":
	case "meilisearch":
		if cfg.Meili.URL == "" {
			return cfg, errors.New("index backend meilisearch needs --meili-url (meili.url)")
		}
	default:
		return cfg, fmt.Errorf("index backend %q: want bleve or meilisearch", cfg.Index.Backend)
	}
	return cfg, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, _, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(f)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.Log.Level, cfg.Log.Format, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			log.Info("shutting down", zap.String("signal", s.String()))
			cancel()
		case <-ctx.Done():
			return
		}
		s := <-sigs
		log.Warn("second signal, exiting at once", zap.String("signal", s.String()))
		os.Exit(1)
	}()

	a, err := startApp(ctx, cfg, f.demo, stdout, log)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return a.shutdown(cfg.Shutdown.Timeout.D())
}

// app is a running `vigie serve`.
type app struct {
	cfg      config.Config
	log      *zap.Logger
	emb      *bus.Embedded
	bus      *bus.Bus
	idx      index.Backend
	rev      *reviewer.Server
	httpSrv  *http.Server
	httpAddr string
	demo     *demoServer
	closed   sync.Once
	ing      *ingester.Service
	intake   *ingester.Intake
	sources  []source.Source
	registry *source.Registry
	accounts *account.Store
	review   *review.Workflow
	policy   *account.Policy
	cookie   account.Cookie
	alerter  *alerter.Service
	// disk refuses new items while the data folder is nearly full.
	disk *disk.Guard
	// publisherHandler serves the public verdict pages and feeds.
	publisherHandler http.Handler
	// listener is bound early; the HTTP server takes it over.
	listener net.Listener
	// demoToken is the demo's read-only API token, for the README's curl.
	demoToken string

	metrics    *metrics.Metrics
	factchecks int
	// Each stage has its own context so shutdown stops them in order
	// (the reverse of their start order).
	stages    []stage
	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// stage is one service loop of the process.
type stage struct {
	name   string
	run    func(context.Context) error
	cancel context.CancelFunc
	done   chan struct{}
}

func stageNames(st []stage) []string {
	out := make([]string, len(st))
	for i, s := range st {
		out[i] = s.name
	}
	return out
}

// startApp starts everything and returns once the HTTP server listens.
func startApp(ctx context.Context, cfg config.Config, demo bool, stdout io.Writer, log *zap.Logger) (_ *app, err error) {
	a := &app{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.abort()
		}
	}()
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %q: %w", cfg.Data, err)
	}
	a.disk = disk.NewGuard(cfg.Data, uint64(cfg.DataMinFree), log)
	if err := a.disk.Check(); err != nil {
		// Start anyway: /readyz says why, accepted items are processed, and
		// new ones flow again as soon as space is freed.
		fmt.Fprintf(stdout, "warning: %v\n", err)
	}
	top := bus.Topology{
		Replicas:        cfg.NATS.Replicas,
		DuplicateWindow: cfg.NATS.DuplicateWindow.D(),
		MaxDeliver:      cfg.NATS.MaxDeliver,
		AckWait:         cfg.NATS.AckWait.D(),
		ItemsMaxAge:     time.Duration(cfg.Retention.ItemsDays) * 24 * time.Hour,
	}
	conn := natsConnect(cfg, "vigie-serve")
	if len(cfg.NATS.URL) == 0 {
		if ep, err := bus.ReadEndpoint(cfg.Data); err == nil && processAlive(ep.PID) && ep.PID != os.Getpid() {
			return nil, fmt.Errorf("data folder %q is in use by vigie process %d", cfg.Data, ep.PID)
		}
		a.emb, err = bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(cfg.Data, "nats"), Port: cfg.NATS.Port}, log)
		if err != nil {
			return nil, err
		}
		ep := a.emb.Endpoint()
		conn.URLs, conn.User, conn.Password = []string{ep.URL}, ep.User, ep.Password
	} else if cfg.NATS.PasswordFile != "" {
		b, err := os.ReadFile(cfg.NATS.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("read nats.password_file: %w", err)
		}
		conn.Password = strings.TrimSpace(string(b))
	}
	a.bus, err = bus.Connect(ctx, conn, top, log)
	if err != nil {
		return nil, err
	}
	if err := a.bus.Apply(ctx); err != nil {
		return nil, err
	}

	a.metrics = metrics.New()
	if cfg.Runs("indexer") || cfg.Runs("reviewer") {
		a.idx, err = openIndex(ctx, cfg, a.bus, log)
		if err != nil {
			return nil, err
		}
		if wrapIndex != nil {
			a.idx = wrapIndex(a.idx)
		}
	}
	var ready []reviewer.Readiness
	ready = append(ready, a.bus.Ready)
	ready = append(ready, func(context.Context) error { return a.disk.Check() })
	if a.emb != nil {
		ready = append(ready, func(context.Context) error { return a.emb.StoreError() })
	}
	if a.idx != nil {
		ready = append(ready, func(ctx context.Context) error { _, err := a.idx.Count(ctx); return err })
	}
	sourcesKV, err := a.bus.KV(ctx, bus.BucketSources)
	if err != nil {
		return nil, err
	}
	a.registry = source.NewRegistry(sourcesKV)
	// Listen first: the public base URL defaults to the address really bound
	// (the configured port may be 0).
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.HTTP.Addr, err)
	}
	a.listener = ln
	a.httpAddr = ln.Addr().String()
	baseURL := cfg.Site.BaseURL
	if baseURL == "" {
		baseURL = "http://" + a.httpAddr
	}
	site := review.Site{Publisher: publish.Party{Name: cfg.Site.Publisher}, BaseURL: strings.TrimRight(baseURL, "/")}
	a.accounts, err = account.Open(ctx, a.bus.JS, account.Config{
		Replicas: cfg.NATS.Replicas, SessionIdle: cfg.Auth.SessionIdle.D(), SessionAbsolute: cfg.Auth.SessionMax.D(),
		TOTPRequired: cfg.Auth.TOTPRequired, Issuer: cfg.Site.Publisher,
	}, log)
	if err != nil {
		return nil, err
	}
	if pw, created, err := a.accounts.EnsureAdmin(ctx); err != nil {
		return nil, err
	} else if created {
		fmt.Fprintf(stdout, "First start: log in as %q with the one-time password %s (change it after logging in).\n", "admin", pw)
	}
	if demo {
		d, err := a.accounts.DemoUsers(ctx)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(stdout, "Demo accounts (for trying Vigie only):")
		for _, u := range d.Users {
			fmt.Fprintf(stdout, "  %-17s role %-11s password %s\n", u.Name, u.Role, u.Password)
		}
		fmt.Fprintf(stdout, "Demo read-only API token (user %s): %s\n", d.TokenUser, d.Token)
		a.demoToken = d.Token
	}
	a.review, err = review.New(ctx, a.bus, review.Config{Site: site}, log)
	if err != nil {
		return nil, err
	}
	if n, err := a.review.Reconcile(ctx); err != nil {
		return nil, fmt.Errorf("reconcile review actions: %w", err)
	} else if n > 0 {
		log.Info("review actions finished after a crash", zap.Int("actions", n))
	}
	a.policy = account.DefaultPolicy()
	if demo {
		// The demo answers the read-only claims API without a token, so that
		// the first curl of a new user works; a real install requires one.
		a.policy.Allow("GET /api/v1/claims", account.RoleAnonymous)
	}
	a.cookie = account.Cookie{Insecure: !strings.HasPrefix(baseURL, "https://")}
	if cfg.Runs("alerter") {
		a.alerter, err = alerter.New(a.bus, alerter.Options{
			BaseURL: site.BaseURL, Publisher: site.Publisher, Metrics: a.metrics,
			Window: cfg.Alerts.Window.D(), TrendingItems: cfg.Alerts.TrendingItems, TrendingSources: cfg.Alerts.TrendingSources,
			RequireConfirmation: cfg.Alerts.RequireConfirmation, AllowPrivateNetworks: cfg.Alerts.AllowPrivateNetworks,
			Authorize: authorizeSubscriptions,
		}, log)
		if err != nil {
			return nil, err
		}
		a.stages = append(a.stages, stage{name: "alerter", run: a.alerter.Run})
	}

	if cfg.Runs("indexer") {
		review, err := a.bus.KV(ctx, bus.BucketReview)
		if err != nil {
			return nil, err
		}
		idxr := indexer.New(a.bus, a.idx, indexer.Options{
			BatchSize: cfg.Index.BatchSize, FlushInterval: cfg.Index.FlushInterval.D(), Review: review, Metrics: a.metrics,
			Retention: time.Duration(cfg.Retention.ItemsDays) * 24 * time.Hour,
		}, log)
		a.stages = append(a.stages, stage{name: "indexer", run: idxr.Run})
	}
	if cfg.Runs("matcher") {
		store := claims.NewStore()
		for _, path := range cfg.FactChecks {
			n, err := loadFactChecks(store, path)
			if err != nil {
				return nil, err
			}
			log.Info("fact-checks loaded", zap.String("path", path), zap.Int("count", n))
		}
		if demo {
			log.Info("demo fact-checks loaded", zap.Int("count", loadDemoFactChecks(store)))
		}
		mcfg := claims.DefaultConfig()
		mcfg.SuggestThreshold = cfg.Matcher.SuggestThreshold
		mcfg.AutoThreshold = cfg.Matcher.AutoThreshold
		mcfg.WorthinessThreshold = cfg.Matcher.WorthinessThreshold
		fcKV, err := a.bus.KV(ctx, bus.BucketFactChecks)
		if err != nil {
			return nil, err
		}
		follower := matcher.NewFollower(fcKV, store, log)
		clKV, err := a.bus.KV(ctx, bus.BucketClusters)
		if err != nil {
			return nil, err
		}
		places, err := loadGazetteers(cfg.Localities.Gazetteers, demo)
		if err != nil {
			return nil, err
		}
		mat := matcher.New(a.bus, claims.NewEngine(store, mcfg), matcher.Options{
			Metrics: a.metrics, Follower: follower, Clusters: matcher.NewClusters(clKV), Places: places,
		}, log)
		a.stages = append(a.stages, stage{name: "matcher", run: mat.Run})
		a.factchecks = store.Len()
	}
	if cfg.Runs("ingester") {
		fetchCfg := fetch.Config{
			AllowPrivateNetworks: cfg.Fetch.AllowPrivateNetworks,
			ConnectTimeout:       cfg.Fetch.ConnectTimeout.D(),
			Timeout:              cfg.Fetch.Timeout.D(),
			MaxBodyBytes:         cfg.Fetch.MaxBodyBytes,
			MaxRedirects:         cfg.Fetch.MaxRedirects,
			UserAgent:            cfg.Fetch.UserAgent,
		}
		sources := configSources(cfg)
		if demo {
			a.demo, err = startDemo(log)
			if err != nil {
				return nil, err
			}
			sources = append(sources, a.demo.sources()...)
			fetchCfg.AllowAddrs = append(fetchCfg.AllowAddrs, a.demo.addr)
		}
		a.ing, err = ingester.New(ctx, a.bus, ingester.Options{
			Fetch: fetchCfg, MaxFailures: cfg.Fetch.MaxFailures, PerHost: cfg.Fetch.PerHost, Metrics: a.metrics,
			Backoff: retry.Backoff{Base: cfg.Fetch.BackoffBase.D(), Max: cfg.Fetch.BackoffMax.D()},
			Owner:   leaseOwner(cfg.Data),
			Social:  ingester.SocialOptions{JetstreamURL: cfg.Bluesky.JetstreamURL, AppViewURL: cfg.Bluesky.AppViewURL},
			Disk:    a.disk,
		}, log)
		if err != nil {
			return nil, err
		}
		if err := syncSources(ctx, a.ing.Registry(), sources); err != nil {
			return nil, err
		}
		a.sources = sources
		a.stages = append(a.stages, stage{name: "ingester", run: a.ing.Run})
		if cfg.Intake.SecretFile != "" {
			secrets, err := ingester.ReadSecretFile(cfg.Intake.SecretFile)
			if err != nil {
				return nil, err
			}
			reporters, err := ingester.OpenReporters(ctx, a.bus)
			if err != nil {
				return nil, err
			}
			a.intake, err = ingester.NewIntake(a.ing, ingester.IntakeOptions{Secrets: secrets, MaxBodyBytes: cfg.Intake.MaxBodyBytes, Reporters: reporters})
			if err != nil {
				return nil, err
			}
		}
	}

	deps := reviewer.Deps{
		Index: a.idx, Sources: a.registry, Ready: ready,
		Accounts: a.accounts, Policy: a.policy, Cookie: a.cookie, Review: a.review,
		TrustedProxies: trustedProxies(cfg.Auth.TrustedProxies),
	}
	if a.alerter != nil {
		deps.Alerts = alertViews{svc: a.alerter, baseURL: site.BaseURL}
	}
	reporters, err := ingester.OpenReporters(ctx, a.bus)
	if err != nil {
		return nil, err
	}
	deps.Reporters = tipsters{store: ingester.NewReporterStore(reporters)}
	a.rev = reviewer.New(deps, log)

	if cfg.Runs("publisher") {
		pub := publisher.New(a.review, publisher.Options{Site: site, Details: publisher.IndexDetails(a.idx, site, log)}, log)
		a.publisherHandler = pub.Handler()
	}
	if demo {
		var subs *subscription.Store
		if a.alerter != nil {
			subs = a.alerter.Subscriptions()
		}
		if err := seedDemo(ctx, demoSeedDeps{Review: a.review, Subscriptions: subs, BaseURL: site.BaseURL, Out: stdout}); err != nil {
			return nil, err
		}
	}

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.Handler())
	if a.publisherHandler != nil {
		for _, p := range publisher.Routes {
			mux.Handle(p, a.publisherHandler) // public: verdict pages and feeds
		}
	}
	if a.alerter != nil {
		mux.Handle("/feeds/alerts/", a.alerter.Handler()) // private feeds: the token in the URL is the credential
		mux.Handle("/api/v1/subscriptions", a.alerter.APIHandler())
		mux.Handle("/api/v1/subscriptions/", a.alerter.APIHandler())
	}
	if a.intake != nil {
		mux.Handle("/api/v1/intake", a.intake) // no method in the pattern: the handler answers 405 itself, in JSON
	}
	if cfg.Runs("reviewer") {
		mux.Handle("/", a.rev.Handler())
	} else {
		mux.Handle("/", a.rev.OpsHandler())
	}
	cop, err := account.CrossOrigin(cfg.Auth.TrustedOrigins...)
	if err != nil {
		return nil, fmt.Errorf("auth.trusted_origins: %w", err)
	}
	handler := cop.Handler(account.NewAuthenticator(a.accounts, a.cookie, nil, log).Middleware(mux))
	a.httpSrv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := a.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", zap.Error(err))
		}
	}()

	// Stages start downstream first so that nothing waits on a stage not yet running.
	for i := range a.stages {
		st := &a.stages[i]
		st.cancel, st.done = a.goStage(ctx, st.name, st.run)
	}
	a.stopWatch, a.watchDone = a.goStage(ctx, "watch", func(ctx context.Context) error {
		var wg sync.WaitGroup
		if a.emb != nil {
			wg.Go(func() { a.healStore(ctx, 2*time.Second) })
		}
		defer wg.Wait()
		a.metrics.WatchJetStream(ctx, a.bus.JS, []string{bus.StreamItems, bus.StreamClaims, bus.StreamReview, bus.StreamDLQ}, bus.StreamDLQ,
			[]metrics.ConsumerRef{{Stream: bus.StreamItems, Durable: bus.ConsumerMatcher}, {Stream: bus.StreamClaims, Durable: bus.ConsumerIndexer}, {Stream: bus.StreamReview, Durable: bus.ConsumerReview}},
			5*time.Second)
		return nil
	})

	ep := bus.Endpoint{HTTPAddr: a.httpAddr, PID: os.Getpid()}
	if a.emb != nil {
		e := a.emb.Endpoint()
		ep.URL, ep.User, ep.Password = e.URL, e.User, e.Password
	}
	if err := bus.WriteEndpoint(cfg.Data, ep); err != nil {
		return nil, err
	}
	if onStarted != nil {
		onStarted(a)
	}
	log.Info("vigie serving", zap.String("http", "http://"+a.httpAddr), zap.String("data", cfg.Data),
		zap.Strings("services", stageNames(a.stages)), zap.Int("sources", len(a.sources)), zap.Int("factchecks", a.factchecks))
	fmt.Fprintf(stdout, "Vigie is serving the review queue on http://%s/ (data in %s)\n", a.httpAddr, cfg.Data)
	if a.demo != nil {
		fmt.Fprintf(stdout, "Demo: %d sample feeds served from http://%s/ ; try:\n  curl -H 'Authorization: Bearer %s' 'http://%s/api/v1/claims?q='\n", len(a.demo.feeds), a.demo.addr, a.demoToken, a.httpAddr)
	}
	return a, nil
}

// healStore restarts the embedded NATS server when JetStream failed to
// write its files (the disk filled up: the streams that failed refuse
// writes until they are loaded again) and the data folder has room again;
// it looks every interval, and restarts at most once a minute (a write
// error with room on the disk, e.g. a permission, would otherwise restart
// it in a loop). Nothing acknowledged is lost: JetStream reloads what it
// stored, the clients reconnect and the workers retry.
func (a *app) healStore(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		serr := a.emb.StoreError()
		if serr == nil || a.disk.Check() != nil || time.Since(last) < time.Minute {
			continue
		}
		last = time.Now()
		a.log.Warn("restarting the embedded NATS server after a write failure, now that the disk has room", zap.Error(serr))
		if err := a.emb.Restart(); err != nil {
			a.log.Error("embedded NATS server restart failed", zap.Error(err))
			continue
		}
		a.log.Info("embedded NATS server restarted")
	}
}

// goStage runs fn in its own cancellable context.
func (a *app) goStage(parent context.Context, name string, fn func(context.Context) error) (context.CancelFunc, chan struct{}) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := fn(ctx); err != nil {
			a.log.Error("stage stopped", zap.String("stage", name), zap.Error(err))
		}
	}()
	return cancel, done
}

// shutdown stops in order under one deadline: readiness false, intake,
// matcher (finishes its batch), indexer (flushes), the NATS connection
// (drained), the HTTP server, the embedded NATS server.
func (a *app) shutdown(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	wait := func(name string, stop context.CancelFunc, done chan struct{}) {
		if stop == nil {
			return
		}
		stop()
		select {
		case <-done:
		case <-time.After(time.Until(deadline)):
			a.log.Warn("stage did not stop before the deadline", zap.String("stage", name))
		}
	}
	a.rev.SetDraining()
	for i := len(a.stages) - 1; i >= 0; i-- {
		wait(a.stages[i].name, a.stages[i].cancel, a.stages[i].done)
	}
	wait("watch", a.stopWatch, a.watchDone)
	a.bus.Close()
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	err := a.httpSrv.Shutdown(ctx)
	a.abort()
	a.log.Info("stopped")
	return err
}

// abort releases whatever was started, without ordering.
func (a *app) abort() {
	a.closed.Do(func() {
		if a.demo != nil {
			a.demo.close()
		}
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

// openIndex opens the search backend; when the embedded index's settings
// changed (a new schema version), it is rebuilt from the log first.
func openIndex(ctx context.Context, cfg config.Config, b *bus.Bus, log *zap.Logger) (index.Backend, error) {
	if cfg.Index.Backend == "meilisearch" {
		return openMeili(ctx, cfg, b, log)
	}
	dir := filepath.Join(cfg.Data, "index")
	idx, err := index.OpenBleve(dir)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	err = idx.EnsureSettings(ctx, queue.Settings())
	if errors.Is(err, index.ErrSchemaChanged) {
		_ = idx.Close()
		log.Warn("index settings changed, rebuilding the index from the log")
		docs, rerr := rebuildIndex(ctx, b, cfg.Data, nil)
		if rerr != nil {
			return nil, rerr
		}
		log.Info("index rebuilt", zap.Int("docs", docs))
		if idx, err = index.OpenBleve(dir); err != nil {
			return nil, fmt.Errorf("open index: %w", err)
		}
		err = idx.EnsureSettings(ctx, queue.Settings())
	}
	if err == nil {
		err = refillIfEmpty(ctx, b, idx, log)
	}
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("apply index settings: %w", err)
	}
	return idx, nil
}

// authorizeSubscriptions lets admins manage every subscription and a
// subscriber those of its own (owner is the subscription's owner; "" is
// an admin-only operation).
func authorizeSubscriptions(r *http.Request, owner string) bool {
	p, ok := account.FromContext(r.Context())
	if !ok {
		return false
	}
	switch p.Role {
	case account.RoleAdmin:
		return true
	case account.RoleSubscriber:
		return owner != "" && owner == p.User
	}
	return false
}

// onStarted, when set by a test, is told of every app that started.
var onStarted func(*app)

// wrapIndex, when set by a test, wraps the index backend (fault injection).
var wrapIndex func(index.Backend) index.Backend

// trustedProxies parses auth.trusted_proxies (validated when the
// configuration was loaded).
func trustedProxies(cidrs []string) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// natsConnect is how to reach the configured external NATS server.
func natsConnect(cfg config.Config, name string) bus.ConnectConfig {
	return bus.ConnectConfig{
		URLs: cfg.NATS.URL, User: cfg.NATS.User, Name: name, CredsFile: cfg.NATS.CredsFile, NkeyFile: cfg.NATS.NkeyFile,
		TLSCA: cfg.NATS.TLSCA, TLSCert: cfg.NATS.TLSCert, TLSKey: cfg.NATS.TLSKey,
	}
}

// leaseOwner names this process in fetch leases: the host and the data
// folder, so that a process restarted after a crash takes its own leases
// back at once, while processes with other data folders wait for them.
func leaseOwner(data string) string {
	host, _ := os.Hostname()
	if abs, err := filepath.Abs(data); err == nil {
		data = abs
	}
	return host + ":" + data
}

// configSources are the sources of the configuration file.
func configSources(cfg config.Config) []source.Source {
	out := make([]source.Source, 0, len(cfg.Sources))
	for _, s := range cfg.Sources {
		out = append(out, source.Source{
			ID: s.ID, Name: s.Name, Kind: s.Kind, URL: s.URL, Language: s.Language, Localities: s.Localities,
			Interval: s.Interval.D(), AllowPrivateNetworks: s.AllowPrivateNetworks, Origin: source.OriginConfig,
		})
	}
	return out
}

// syncSources makes the registry hold exactly the given file and demo
// sources among those of their origins; sources added through the API or
// the CLI are left alone.
func syncSources(ctx context.Context, reg *source.Registry, want []source.Source) error {
	keep := map[string]bool{}
	for _, s := range want {
		if err := reg.Put(ctx, s); err != nil {
			return fmt.Errorf("register source: %w", err)
		}
		keep[s.ID] = true
	}
	have, err := reg.List(ctx)
	if err != nil {
		return err
	}
	for _, s := range have {
		if (s.Origin == source.OriginConfig || s.Origin == originDemo) && !keep[s.ID] {
			if err := reg.Delete(ctx, s.ID); err != nil {
				return fmt.Errorf("unregister source: %w", err)
			}
		}
	}
	return nil
}

// openMeili opens the Meilisearch backend. The key is read from a file and
// stays on the server side: it is never logged nor sent to a browser (the
// review UI searches through Vigie's API). A settings change on a
// Meilisearch index is applied by Meilisearch itself (it re-indexes), so
// no replay is needed unless the document shape changed; then the index is
// refilled from the log.
func openMeili(ctx context.Context, cfg config.Config, b *bus.Bus, log *zap.Logger) (index.Backend, error) {
	key := ""
	if cfg.Meili.KeyFile != "" {
		raw, err := os.ReadFile(cfg.Meili.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("read meili.key_file: %w", err)
		}
		key = strings.TrimSpace(string(raw))
	}
	m, err := index.OpenMeili(ctx, cfg.Meili.URL, key, cfg.Meili.Index, index.WithMeiliLogger(log))
	if err != nil {
		return nil, err
	}
	err = m.EnsureSettings(ctx, queue.Settings())
	if errors.Is(err, index.ErrSchemaChanged) {
		err = fmt.Errorf("index %q holds documents built with other settings: set meili.index to a new uid (Vigie refills it from the log) or delete that index, then restart: %w", cfg.Meili.Index, err)
	}
	if err == nil {
		err = refillIfEmpty(ctx, b, m, log)
	}
	if err != nil {
		_ = m.Close()
		return nil, fmt.Errorf("meilisearch: %w", err)
	}
	return m, nil
}

// refillIfEmpty replays the log into an empty index when the log holds
// claims: a new index (or a new Meilisearch uid) starts complete.
func refillIfEmpty(ctx context.Context, b *bus.Bus, idx index.Backend, log *zap.Logger) error {
	n, err := idx.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	st, err := b.JS.Stream(ctx, bus.StreamClaims)
	if err != nil {
		return err
	}
	info, err := st.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return err
	}
	review, err := b.KV(ctx, bus.BucketReview)
	if err != nil {
		return err
	}
	log.Info("index empty, refilling it from the log", zap.Uint64("messages", info.State.Msgs))
	docs, err := indexer.Rebuild(ctx, b, review, idx, 1000, nil)
	if err == nil {
		log.Info("index refilled", zap.Int("docs", docs))
	}
	return err
}

// loadGazetteers builds the locality matcher from gazetteer files (and the
// demo's Portuguese list); nil when there is none.
func loadGazetteers(paths []string, demo bool) (*locality.Matcher, error) {
	var all []locality.Locality
	read := func(name string, r io.Reader) error {
		locs, err := locality.ReadCSV(r)
		if err != nil {
			return fmt.Errorf("gazetteer %s: %w", name, err)
		}
		all = append(all, locs...)
		return nil
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
		err = read(p, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if demo {
		b, err := demoFS.ReadFile("demo/gazetteer-pt.csv")
		if err != nil {
			return nil, err
		}
		if err := read("demo/gazetteer-pt.csv", bytes.NewReader(b)); err != nil {
			return nil, err
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	g, err := locality.NewGazetteer(all)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return locality.NewMatcher(g, locality.Options{}), nil
}

func loadFactChecks(store *claims.Store, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open fact-checks: %w", err)
	}
	defer f.Close()
	fcs, _, err := claimreview.Import(f)
	if err != nil {
		return 0, fmt.Errorf("load fact-checks %q: %w", path, err)
	}
	store.Add(fcs...)
	return len(fcs), nil
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
