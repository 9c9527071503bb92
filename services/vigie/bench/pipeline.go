package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/text"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/pipeline/source"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
)

// benchConfig is the embedded default configuration with the generated
// feeds as sources and the fact-check file; nothing else is tuned.
func benchConfig(data, fcPath string, feeds *benchFeedServer) config.Config {
	cfg := config.Default()
	cfg.Data = data
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Fetch.AllowPrivateNetworks = true // the feed server is on loopback
	cfg.Log.Level = "warn"
	if fcPath != "" {
		cfg.FactChecks = []string{fcPath}
	}
	if feeds != nil {
		for k := range feeds.docs {
			cfg.Sources = append(cfg.Sources, config.Source{ID: fmt.Sprintf("load-%d", k), Name: fmt.Sprintf("Generated load feed %d", k),
				Kind: "feed", URL: feeds.feedURL(k), Interval: config.Duration(time.Hour)})
		}
	}
	return cfg
}

// stop shuts a down within d.
func stop(a *app.App, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return a.Shutdown(ctx)
}

// waitReady polls GET /readyz until it answers 200.
func waitReady(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait for /readyz on %s: not ready after %s", addr, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// waitPipeline waits until ITEMS and CLAIMS hold n messages each and the
// matcher and indexer have nothing pending.
func waitPipeline(ctx context.Context, a *app.App, n uint64, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	for {
		items, err1 := streamMsgCount(ctx, a.Bus().JS, bus.StreamItems)
		cl, err2 := streamMsgCount(ctx, a.Bus().JS, bus.StreamClaims)
		if err1 == nil && err2 == nil && items >= n && cl >= n &&
			consumerDone(ctx, a.Bus().JS, bus.StreamItems, bus.ConsumerMatcher) && consumerDone(ctx, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer) {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("pipeline not done after %s: ITEMS %d, CLAIMS %d of %d", limit, items, cl, n)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// e2eResult is one end-to-end run.
type e2eResult struct {
	coldStart     time.Duration // app.Start (100k fact-checks loaded) to /readyz
	elapsed       time.Duration // app.Start returned to everything indexed
	throughput    measure
	items, claims []([]byte) // the ITEMS and CLAIMS payloads
}

// runE2E ingests all generated feeds through a fresh in-process app.
func runE2E(ctx context.Context, dir, fcPath string, docs [][]byte, total int, log *zap.Logger) (e2eResult, error) {
	var res e2eResult
	feeds, err := startBenchFeeds(docs, true)
	if err != nil {
		return res, err
	}
	defer feeds.close()
	cfg := benchConfig(filepath.Join(dir, "data"), fcPath, feeds)
	t0 := time.Now()
	a, err := app.Start(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return res, err
	}
	defer stop(a, 30*time.Second)
	start := time.Now()
	if err := waitReady(ctx, a.HTTPAddr(), time.Minute); err != nil {
		return res, err
	}
	res.coldStart = time.Since(t0)
	cpu0 := cpuSeconds()
	end, err := waitPipeline(ctx, a, uint64(total), time.Duration(max(total/5, 300))*time.Second)
	if err != nil {
		return res, err
	}
	res.elapsed = end.Sub(start)
	// CPU from /readyz on (the cold start's share of the ingestion that
	// began before it is small and left out).
	res.throughput = measure{rate: float64(total) / res.elapsed.Seconds(), cpu: (cpuSeconds() - cpu0) / float64(total)}
	if res.items, err = streamPayloads(ctx, a.Bus().JS, bus.StreamItems); err != nil {
		return res, err
	}
	if res.claims, err = streamPayloads(ctx, a.Bus().JS, bus.StreamClaims); err != nil {
		return res, err
	}
	return res, nil
}

// shape is what an item becomes: sentences analysed and documents indexed.
type shape struct {
	sentencesPerItem, docsPerItem float64
	docs                          [][]index.Document // per CLAIMS message
}

func pipelineShape(items, claimsMsgs [][]byte) (shape, error) {
	var s shape
	sentences := 0
	for _, b := range items {
		ci, err := codec.DecodeItem(b)
		if err != nil {
			return s, err
		}
		lang := ci.Language
		if lang == "" {
			lang = text.Detect(ci.Title + "\n" + ci.Text)
		}
		for _, part := range []string{ci.Title, ci.Text} {
			sentences += len(text.Sentences(part, lang))
		}
	}
	ndocs := 0
	for _, b := range claimsMsgs {
		ic, err := codec.DecodeItemClaims(b)
		if err != nil {
			return s, err
		}
		d := claimdoc.Docs(ic, nil)
		ndocs += len(d)
		s.docs = append(s.docs, d)
	}
	s.sentencesPerItem = float64(sentences) / float64(max(len(items), 1))
	s.docsPerItem = float64(ndocs) / float64(max(len(claimsMsgs), 1))
	return s, nil
}

// latencyResult is the fetch-to-searchable latency at a fixed rate.
type latencyResult struct {
	rate                float64 // items/s offered
	items, measured     int     // items released, items with documents (measured)
	p50, p95, p99, pmax time.Duration
}

// runLatency releases the generated feeds at rate items/s (feeds of
// perFeed items, each polled once it is released) and measures, for every
// item with at least one claim, the time from its fetch (Item.fetched) to
// the return of the index write holding its first document.
func runLatency(ctx context.Context, dir, fcPath string, entries []Entry, total int, rate float64, log *zap.Logger) (latencyResult, error) {
	res := latencyResult{rate: rate, items: total}
	const perFeed = 10
	docs := ExpandFeeds(entries, total, perFeed)
	feeds, err := startBenchFeeds(docs, false)
	if err != nil {
		return res, err
	}
	defer feeds.close()
	rec := &searchRecorder{searchable: map[string]time.Time{}}
	cfg := benchConfig(filepath.Join(dir, "data"), fcPath, feeds)
	a, err := app.Start(ctx, cfg, app.Options{Log: log, WrapIndex: func(b index.Backend) index.Backend { rec.Backend = b; return rec }})
	if err != nil {
		return res, err
	}
	defer stop(a, 30*time.Second)
	if err := waitReady(ctx, a.HTTPAddr(), time.Minute); err != nil {
		return res, err
	}
	// Let the first (empty) polls of every source finish.
	time.Sleep(time.Second)
	interval := time.Duration(float64(perFeed) / rate * float64(time.Second))
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, len(docs))
	for k := range docs {
		if d := time.Until(start.Add(time.Duration(k) * interval)); d > 0 {
			time.Sleep(d)
		}
		feeds.release(k)
		src := a.Sources()[slices.IndexFunc(a.Sources(), func(s source.Source) bool { return s.ID == fmt.Sprintf("load-%d", k) })]
		wg.Go(func() {
			if _, err := a.Ingester().Poll(ctx, src); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return res, fmt.Errorf("poll: %w", err)
	}
	if _, err := waitPipeline(ctx, a, uint64(total), 5*time.Minute); err != nil {
		return res, err
	}
	items, err := streamPayloads(ctx, a.Bus().JS, bus.StreamItems)
	if err != nil {
		return res, err
	}
	var lat []time.Duration
	rec.mu.Lock()
	for _, b := range items {
		it, err := codec.DecodeItem(b)
		if err != nil {
			rec.mu.Unlock()
			return res, err
		}
		if at, ok := rec.searchable[it.ID]; ok && !it.Fetched.IsZero() {
			lat = append(lat, at.Sub(it.Fetched))
		}
	}
	rec.mu.Unlock()
	res.measured = len(lat)
	if len(lat) == 0 {
		return res, fmt.Errorf("no item became searchable")
	}
	res.p50, res.p95, res.p99, res.pmax = Percentile(lat, 0.50), Percentile(lat, 0.95), Percentile(lat, 0.99), Percentile(lat, 1)
	return res, nil
}

// Percentile is the nearest-rank percentile of ds (sorted in place).
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	k := int(p*float64(len(ds))+0.999999) - 1
	return ds[min(max(k, 0), len(ds)-1)]
}

// searchResult holds review search latencies measured through the API.
type searchResult struct {
	docs                     int
	buildRate                float64 // documents/s written into the corpus
	textP50, textP95         time.Duration
	viewP50, viewP95         time.Duration
	queries                  int
	ingestedDuring           uint64        // ITEMS messages published while the queries ran
	restart                  time.Duration // clean stop to /readyz
	restartItems, restartDoc int
	restartFilled            int           // labelled copies added to ITEMS for the restart figure
	fillTime                 time.Duration // how long adding them took
}

// benchSearchCorpus writes n claim documents into the Bleve index of data:
// copies of the pipeline's own claim documents (copy k of document j has id
// "<id>-c<k>", item id "<item>-c<k>", a status among the review statuses,
// one of 20 sources and a detection time spread over a year).
func benchSearchCorpus(ctx context.Context, data string, base [][]index.Document, n int) (float64, error) {
	var flat []index.Document
	for _, ds := range base {
		flat = append(flat, ds...)
	}
	if len(flat) == 0 {
		return 0, fmt.Errorf("no claim documents to copy")
	}
	idx, err := index.OpenBleve(filepath.Join(data, "index"))
	if err != nil {
		return 0, fmt.Errorf("open index: %w", err)
	}
	defer idx.Close()
	if err := idx.EnsureSettings(ctx, claimdoc.Settings()); err != nil {
		return 0, err
	}
	statuses := []string{"new", "new", "new", "in_review", "verified", "dismissed"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	batch := make([]index.Document, 0, 5000)
	for i := 0; i < n; i++ {
		src := flat[i%len(flat)]
		k := i / len(flat)
		d := make(index.Document, len(src))
		for f, v := range src {
			d[f] = v
		}
		d["id"] = fmt.Sprintf("%s-c%d", src.ID(), k)
		if it, ok := src["item_id"].(string); ok {
			d["item_id"] = fmt.Sprintf("%s-c%d", it, k)
		}
		d["status"] = statuses[i%len(statuses)]
		d["source"] = fmt.Sprintf("load-%d", i%20)
		d["detected"] = t0.Add(time.Duration(i%525600) * time.Minute)
		batch = append(batch, d)
		if len(batch) == cap(batch) || i == n-1 {
			if err := idx.Upsert(ctx, batch); err != nil {
				return 0, fmt.Errorf("build search corpus: %w", err)
			}
			batch = batch[:0]
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// benchToken creates a fact-checker and a read-only API token for it.
func benchToken(ctx context.Context, a *app.App) (string, error) {
	const user = "bench-reader"
	if _, err := a.Accounts().CreateUser(ctx, account.NewUser{Name: user, Role: claims.RoleFactChecker, Password: account.NewPassword()}); err != nil {
		return "", fmt.Errorf("create bench user: %w", err)
	}
	tok, _, err := a.Accounts().CreateToken(ctx, user, "bench", account.ScopeRead)
	if err != nil {
		return "", fmt.Errorf("create bench token: %w", err)
	}
	return tok, nil
}

// apiGet runs one authenticated GET and returns its latency.
func apiGet(ctx context.Context, client *http.Client, u, token string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	t := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t)
	if resp.StatusCode != http.StatusOK {
		return d, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	return d, nil
}

// runSearch builds a corpus of n claim documents, starts the app on it
// with the generated feeds as sources (so ingestion runs during the
// queries), measures both query kinds through GET /api/v1/claims, then
// stops cleanly, tops ITEMS up to restartItems items (fillItems) and
// measures the restart to /readyz.
func runSearch(ctx context.Context, dir, fcPath string, base [][]index.Document, n int, docs [][]byte, total, queries, restartItems int, log *zap.Logger) (searchResult, error) {
	res := searchResult{docs: n, queries: queries}
	data := filepath.Join(dir, "data")
	var err error
	if res.buildRate, err = benchSearchCorpus(ctx, data, base, n); err != nil {
		return res, err
	}
	feeds, err := startBenchFeeds(docs, true)
	if err != nil {
		return res, err
	}
	defer feeds.close()
	cfg := benchConfig(data, fcPath, feeds)
	a, err := app.Start(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return res, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = stop(a, 30*time.Second)
		}
	}()
	if err := waitReady(ctx, a.HTTPAddr(), time.Minute); err != nil {
		return res, err
	}
	token, err := benchToken(ctx, a)
	if err != nil {
		return res, err
	}
	items0, _ := streamMsgCount(ctx, a.Bus().JS, bus.StreamItems)
	client := &http.Client{Timeout: 30 * time.Second}
	words := []string{"governo", "presidente", "Canada", "climat", "milhões", "police"}
	var textLat, viewLat []time.Duration
	for i := 0; i < queries; i++ {
		u := fmt.Sprintf("http://%s/api/v1/claims?q=%s&filter=%s", a.HTTPAddr(), url.QueryEscape(words[i%len(words)]), url.QueryEscape("status = new"))
		d, err := apiGet(ctx, client, u, token)
		if err != nil {
			return res, err
		}
		textLat = append(textLat, d)
		v := fmt.Sprintf("http://%s/api/v1/claims?q=&facets=status,language,source,flagged", a.HTTPAddr())
		if d, err = apiGet(ctx, client, v, token); err != nil {
			return res, err
		}
		viewLat = append(viewLat, d)
	}
	items1, _ := streamMsgCount(ctx, a.Bus().JS, bus.StreamItems)
	res.ingestedDuring = items1 - items0
	res.textP50, res.textP95 = Percentile(textLat, 0.5), Percentile(textLat, 0.95)
	res.viewP50, res.viewP95 = Percentile(viewLat, 0.5), Percentile(viewLat, 0.95)

	// Let ingestion finish, stop cleanly, restart and time /readyz.
	if _, err := waitPipeline(ctx, a, uint64(total), 10*time.Minute); err != nil {
		log.Warn("ingestion not finished before the restart", zap.Error(err))
	}
	if nItems, err := streamMsgCount(ctx, a.Bus().JS, bus.StreamItems); err == nil {
		res.restartItems = int(nItems)
	}
	if c, err := a.Index().Count(ctx); err == nil {
		res.restartDoc = c
	}
	stopped = true
	if err := stop(a, 60*time.Second); err != nil {
		return res, fmt.Errorf("clean stop: %w", err)
	}
	t := time.Now()
	added, err := fillItems(ctx, data, restartItems, log)
	if err != nil {
		return res, fmt.Errorf("fill to %d items: %w", restartItems, err)
	}
	res.restartItems += added
	res.restartFilled, res.fillTime = added, time.Since(t)
	t = time.Now()
	b, err := app.Start(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return res, fmt.Errorf("restart: %w", err)
	}
	defer stop(b, 30*time.Second)
	if err := waitReady(ctx, b.HTTPAddr(), 5*time.Minute); err != nil {
		return res, err
	}
	res.restart = time.Since(t)
	return res, nil
}
