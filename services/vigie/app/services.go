package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/fetch"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/matchermodel"
	"vigie/pipeline/publish"
	"vigie/pipeline/retry"
	"vigie/pipeline/review"
	"vigie/services/alerter"
	"vigie/services/indexer"
	"vigie/services/ingester"
	"vigie/services/matcher"
	"vigie/services/publisher"
	"vigie/services/reviewer"
)

// listen binds the HTTP address first: the public base URL defaults to the
// address really bound (the configured port may be 0). The HTTP server
// takes the listener over in serveHTTP.
func (a *App) listen(context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.HTTP.Addr, err)
	}
	a.listener = ln
	a.httpAddr = ln.Addr().String()
	baseURL := a.cfg.Site.BaseURL
	if baseURL == "" {
		baseURL = "http://" + a.httpAddr
	}
	a.site = review.Site{Publisher: publish.Party{Name: a.cfg.Site.Publisher}, BaseURL: strings.TrimRight(baseURL, "/")}
	if a.cfg.Site.BaseURL == "" && !loopback(ln.Addr()) {
		// Behind a proxy every published URL would point at the listen
		// address: say so where the operator looks first.
		a.log.Warn("site.base_url is not set and the server listens beyond loopback: published URLs (verdict pages and their "+
			"ClaimReview url, feeds, CAP messages, alert links in webhooks) will point at "+baseURL+"; set site.base_url "+
			"(VIGIE_SITE_BASE_URL) to the public address readers and municipalities use", zap.String("listen", a.httpAddr),
			zap.String("published_as", baseURL))
	}
	a.cookie = account.Cookie{Insecure: !strings.HasPrefix(baseURL, "https://")}
	return nil
}

// loopback reports whether addr is a loopback address (127.0.0.1, ::1).
func loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// openAccounts opens the account store and creates the first admin, whose
// one-time password goes to Options.Out; then the route policy.
func (a *App) openAccounts(ctx context.Context) error {
	cfg := a.cfg
	var err error
	a.accounts, err = account.Open(ctx, a.bus.JS, account.Config{
		Replicas: cfg.NATS.Replicas, SessionIdle: cfg.Auth.SessionIdle.D(), SessionAbsolute: cfg.Auth.SessionMax.D(),
		TOTPRequired: cfg.Auth.TOTPRequired, Issuer: cfg.Site.Publisher,
	}, a.log)
	if err != nil {
		return err
	}
	if pw, created, err := a.accounts.EnsureAdmin(ctx); err != nil {
		return err
	} else if created {
		fmt.Fprintf(a.opt.Out, "First start: log in as %q with the one-time password %s (change it after logging in).\n", "admin", pw)
	}
	return nil
}

// openReview opens the review workflow and finishes the actions a crash
// left half done.
func (a *App) openReview(ctx context.Context) error {
	var err error
	if a.review, err = review.New(ctx, a.bus, review.Config{Site: a.site}, a.log); err != nil {
		return err
	}
	n, err := a.review.Reconcile(ctx)
	if err != nil {
		return fmt.Errorf("reconcile review actions: %w", err)
	}
	if n > 0 {
		a.log.Info("review actions finished after a crash", zap.Int("actions", n))
	}
	return nil
}

func (a *App) addStage(name string, run func(context.Context) error) {
	a.stages = append(a.stages, stage{name: name, run: run})
}

// buildAlerter builds the alerter: subscriptions, alerts, webhooks, feeds.
func (a *App) buildAlerter(context.Context) error {
	if !a.cfg.Runs("alerter") {
		return nil
	}
	cfg := a.cfg
	var err error
	a.alerter, err = alerter.New(a.bus, alerter.Options{
		BaseURL: a.site.BaseURL, Publisher: a.site.Publisher, Metrics: a.metrics,
		Window: cfg.Alerts.Window.D(), TrendingItems: cfg.Alerts.TrendingItems, TrendingSources: cfg.Alerts.TrendingSources,
		RequireConfirmation: cfg.Alerts.RequireConfirmation, AllowPrivateNetworks: cfg.Alerts.AllowPrivateNetworks,
	}, a.log)
	if err != nil {
		return err
	}
	a.addStage("alerter", a.alerter.Run)
	return nil
}

// buildIndexer builds the indexer over the search backend.
func (a *App) buildIndexer(ctx context.Context) error {
	if !a.cfg.Runs("indexer") {
		return nil
	}
	reviewKV, err := a.bus.KV(ctx, bus.BucketReview)
	if err != nil {
		return err
	}
	judgedKV, err := a.bus.KV(ctx, bus.BucketJudgements)
	if err != nil {
		return err
	}
	idxr := indexer.New(a.bus, a.idx, indexer.Options{
		BatchSize: a.cfg.Index.BatchSize, FlushInterval: a.cfg.Index.FlushInterval.D(), Review: reviewKV, Metrics: a.metrics,
		Judgements: review.NewJudgementIndex(judgedKV, a.log),
		Retention:  time.Duration(a.cfg.Retention.ItemsDays) * 24 * time.Hour,
	}, a.log)
	a.addStage("indexer", idxr.Run)
	return nil
}

// buildMatcher builds the matcher: the fact-check store (the
// configuration's files, Options.FactChecks, and the fact-check bucket it
// follows), the claims engine, the clusters and the gazetteer.
func (a *App) buildMatcher(ctx context.Context) error {
	if !a.cfg.Runs("matcher") {
		return nil
	}
	cfg := a.cfg
	store := claims.NewStore()
	for _, path := range cfg.FactChecks {
		n, err := LoadFactChecks(store, path)
		if err != nil {
			return err
		}
		a.log.Info("fact-checks loaded", zap.String("path", path), zap.Int("count", n))
	}
	if len(a.opt.FactChecks) > 0 {
		store.Add(a.opt.FactChecks...)
		a.log.Info("fact-checks added", zap.Int("count", len(a.opt.FactChecks)))
	}
	mcfg := claims.DefaultConfig()
	mcfg.SuggestThreshold = cfg.Matcher.SuggestThreshold
	mcfg.AutoThreshold = cfg.Matcher.AutoThreshold
	mcfg.WorthinessThreshold = cfg.Matcher.WorthinessThreshold
	mcfg.KeepLowPriority = cfg.Matcher.KeepLowPriority
	fcKV, err := a.bus.KV(ctx, bus.BucketFactChecks)
	if err != nil {
		return err
	}
	clKV, err := a.bus.KV(ctx, bus.BucketClusters)
	if err != nil {
		return err
	}
	jKV, err := a.bus.KV(ctx, bus.BucketJudgements)
	if err != nil {
		return err
	}
	places, err := loadGazetteers(cfg.Localities.Gazetteers, a.opt.Localities)
	if err != nil {
		return err
	}
	setKV, err := a.bus.KV(ctx, bus.BucketSettings)
	if err != nil {
		return err
	}
	engine := claims.NewEngine(store, mcfg)
	mat := matcher.New(a.bus, engine, matcher.Options{
		Metrics: a.metrics, Follower: matcher.NewFollower(fcKV, store, a.log), Clusters: matcher.NewClusters(clKV, claims.NewClusterer(store, 0, 0), a.log), Places: places,
		Models:     matcher.NewModels(setKV, engine, a.log),
		Rejections: matcher.NewRejections(jKV, a.log),
	}, a.log)
	a.addStage("matcher", mat.Run)
	a.factchecks = store.Len()
	return nil
}

// buildIngester builds the ingester, registers the sources of this start
// and, when intake.secret_file is set, the tipline intake.
func (a *App) buildIngester(ctx context.Context) error {
	if !a.cfg.Runs("ingester") {
		return nil
	}
	cfg := a.cfg
	fetchCfg := fetch.Config{
		AllowPrivateNetworks: cfg.Fetch.AllowPrivateNetworks,
		ConnectTimeout:       cfg.Fetch.ConnectTimeout.D(),
		Timeout:              cfg.Fetch.Timeout.D(),
		MaxBodyBytes:         cfg.Fetch.MaxBodyBytes,
		MaxRedirects:         cfg.Fetch.MaxRedirects,
		UserAgent:            cfg.Fetch.UserAgent,
		AllowAddrs:           a.opt.AllowAddrs,
	}
	var err error
	a.ing, err = ingester.New(ctx, a.bus, ingester.Options{
		Fetch: fetchCfg, MaxFailures: cfg.Fetch.MaxFailures, PerHost: cfg.Fetch.PerHost, Metrics: a.metrics,
		Backoff: retry.Backoff{Base: cfg.Fetch.BackoffBase.D(), Max: cfg.Fetch.BackoffMax.D()},
		Owner:   leaseOwner(cfg.Data),
		Social:  ingester.SocialOptions{JetstreamURL: cfg.Bluesky.JetstreamURL, AppViewURL: cfg.Bluesky.AppViewURL},
		Disk:    a.disk,
	}, a.log)
	if err != nil {
		return err
	}
	sources := append(configSources(cfg), a.opt.Sources...)
	if err := syncSources(ctx, a.ing.Registry(), sources); err != nil {
		return err
	}
	a.sources = sources
	a.addStage("ingester", a.ing.Run)
	if cfg.Intake.SecretFile == "" {
		return nil
	}
	secrets, err := ingester.ReadSecretFile(cfg.Intake.SecretFile)
	if err != nil {
		return err
	}
	reporters, err := ingester.OpenReporters(ctx, a.bus)
	if err != nil {
		return err
	}
	a.intake, err = ingester.NewIntake(a.ing, ingester.IntakeOptions{Secrets: secrets, MaxBodyBytes: cfg.Intake.MaxBodyBytes, Reporters: reporters})
	return err
}

// buildReviewer builds the reviewer, which also serves the operations
// routes (/healthz, /readyz) in every process.
func (a *App) buildReviewer(ctx context.Context) error {
	deps := reviewer.Deps{
		Index: a.idx, Sources: a.registry, Ready: a.ready,
		Accounts: a.accounts, Cookie: a.cookie, Review: a.review,
		TrustedProxies: trustedProxies(a.cfg.Auth.TrustedProxies),
		Rematch: func(ctx context.Context, sourceID, itemID string) (string, error) {
			req, err := matcher.RequestRematch(ctx, a.bus, sourceID, itemID, time.Now())
			if errors.Is(err, matcher.ErrItemGone) {
				err = httpapi.Errorf(httpapi.ErrNotFound, "item %s is no longer kept: it cannot be matched again", itemID)
			}
			return req, err
		},
	}
	setKV, err := a.bus.KV(ctx, bus.BucketSettings)
	if err != nil {
		return err
	}
	deps.MatcherModel = matchermodel.NewStore(setKV)
	if a.alerter != nil {
		deps.Alerts = alertViews{svc: a.alerter, baseURL: a.site.BaseURL, accounts: a.accounts}
	}
	reporters, err := ingester.OpenReporters(ctx, a.bus)
	if err != nil {
		return err
	}
	deps.Reporters = tipsters{store: ingester.NewReporterStore(reporters)}
	a.rev = reviewer.New(deps, a.log)
	return nil
}

// buildPublisher builds the publisher of the public verdict pages and feeds.
func (a *App) buildPublisher(context.Context) error {
	if !a.cfg.Runs("publisher") {
		return nil
	}
	a.publisher = publisher.New(a.review, publisher.Options{Site: a.site, Details: publisher.IndexDetails(a.idx, a.site, a.log)}, a.log)
	return nil
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
