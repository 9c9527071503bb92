package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/match"
	"vigie/pipeline/bus"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/feed"
	"vigie/pipeline/index"
)

// The raw floors: each stage's library alone, on the same inputs the
// pipeline handled, as items/s. CPU-bound pure stages (parse, match) use
// one worker per core, as the pipeline may; the JetStream floor is one
// asynchronous publisher then one pull consumer; the Bleve floor is one
// writer in batches of the indexer's batch size.

// measure is a throughput and its cost: items (or sentences) per second of
// wall-clock time, and process CPU seconds (all threads, GC included) per
// item. On a machine shared with other work the wall-clock rate varies with
// the load; the CPU cost much less, and cores/cpu estimates the rate on
// idle cores.
type measure struct {
	rate, cpu float64
}

// idleRate estimates the rate on all cores of an idle machine.
func (m measure) idleRate() float64 {
	if m.cpu <= 0 {
		return 0
	}
	return float64(runtime.NumCPU()) / m.cpu
}

// cpuSeconds is the CPU time of this process so far (user + system).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// meter starts measuring; done(n) ends it for n items.
func meter() func(n int) measure {
	t, c := time.Now(), cpuSeconds()
	return func(n int) measure {
		if n <= 0 {
			return measure{}
		}
		return measure{rate: float64(n) / time.Since(t).Seconds(), cpu: (cpuSeconds() - c) / float64(n)}
	}
}

// parallel runs fn(i) for i in [0,n) on one worker per core.
func parallel(n int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// parseFloor parses the generated feeds with the pipeline's parser (gofeed
// under it), repeating them until at least a second has passed.
func parseFloor(ctx context.Context, docs [][]byte) (measure, error) {
	items := 0
	start := time.Now()
	done := meter()
	for time.Since(start) < time.Second || items == 0 {
		var n atomic.Int64
		err := parallel(len(docs), func(i int) error {
			f, err := feed.Parse(ctx, docs[i], "application/rss+xml", fmt.Sprintf("http://load.invalid/%d.xml", i))
			if err != nil {
				return err
			}
			n.Add(int64(len(f.Entries)))
			return nil
		})
		if err != nil {
			return measure{}, fmt.Errorf("parse floor: %w", err)
		}
		items += int(n.Load())
	}
	return done(items), nil
}

// jetstreamFloor publishes every ITEMS and CLAIMS payload (asynchronously,
// with de-duplication ids) to a file stream of a fresh embedded server,
// then consumes and acknowledges them all; items/s counts one item per
// ITEMS payload.
func jetstreamFloor(ctx context.Context, dir string, items, claimsMsgs [][]byte) (measure, error) {
	emb, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(dir, "nats"), Port: -1}, zap.NewNop())
	if err != nil {
		return measure{}, err
	}
	defer emb.Shutdown()
	ep := emb.Endpoint()
	nc, err := nats.Connect(ep.URL, nats.UserInfo(ep.User, ep.Password))
	if err != nil {
		return measure{}, fmt.Errorf("jetstream floor: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
	if err != nil {
		return measure{}, fmt.Errorf("jetstream floor: %w", err)
	}
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "BENCH", Subjects: []string{"bench.>"}, Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute})
	if err != nil {
		return measure{}, fmt.Errorf("jetstream floor: %w", err)
	}
	cons, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "bench", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		return measure{}, fmt.Errorf("jetstream floor: %w", err)
	}
	total := len(items) + len(claimsMsgs)
	done := meter()
	for i, b := range items {
		if _, err := js.PublishAsync("bench.items", b, jetstream.WithMsgID(fmt.Sprintf("i%d", i))); err != nil {
			return measure{}, fmt.Errorf("jetstream floor: publish: %w", err)
		}
	}
	for i, b := range claimsMsgs {
		if _, err := js.PublishAsync("bench.claims", b, jetstream.WithMsgID(fmt.Sprintf("c%d", i))); err != nil {
			return measure{}, fmt.Errorf("jetstream floor: publish: %w", err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(2 * time.Minute):
		return measure{}, fmt.Errorf("jetstream floor: publish not acknowledged after 2m")
	}
	got := 0
	for got < total {
		batch, err := cons.Fetch(min(500, total-got), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return measure{}, fmt.Errorf("jetstream floor: fetch: %w", err)
		}
		n := 0
		for m := range batch.Messages() {
			if err := m.Ack(); err != nil {
				return measure{}, fmt.Errorf("jetstream floor: ack: %w", err)
			}
			n++
		}
		if batch.Error() != nil || n == 0 {
			return measure{}, fmt.Errorf("jetstream floor: consumed %d of %d: %v", got, total, batch.Error())
		}
		got += n
	}
	return done(len(items)), nil
}

// bleveFloor writes the pipeline's claim documents into a fresh Bleve
// index with the queue's settings, batchSize documents (whole items) per
// Upsert; items/s counts one item per CLAIMS message.
func bleveFloor(ctx context.Context, dir string, docs [][]index.Document, batchSize int) (measure, error) {
	idx, err := index.OpenBleve(filepath.Join(dir, "index"))
	if err != nil {
		return measure{}, fmt.Errorf("bleve floor: %w", err)
	}
	defer idx.Close()
	if err := idx.EnsureSettings(ctx, claimdoc.Settings()); err != nil {
		return measure{}, fmt.Errorf("bleve floor: %w", err)
	}
	done := meter()
	var batch []index.Document
	for i, ds := range docs {
		batch = append(batch, ds...)
		if len(batch) >= batchSize || i == len(docs)-1 {
			if err := idx.Upsert(ctx, batch); err != nil {
				return measure{}, fmt.Errorf("bleve floor: %w", err)
			}
			batch = batch[:0]
		}
	}
	return done(len(docs)), nil
}

// matcherFloor analyses the ITEMS payloads with the claims engine over
// store (worthiness and matching of every sentence).
func matcherFloor(ctx context.Context, store *claims.Store, items [][]byte) (measure, error) {
	eng := claims.NewEngine(store, claims.DefaultConfig())
	its := make([]claims.Item, len(items))
	for i, b := range items {
		it, err := codec.DecodeItem(b)
		if err != nil {
			return measure{}, fmt.Errorf("matcher floor: %w", err)
		}
		its[i] = it
	}
	done := meter()
	err := parallel(len(its), func(i int) error {
		_, err := eng.AnalyzeContext(ctx, its[i])
		return err
	})
	if err != nil {
		return measure{}, fmt.Errorf("matcher floor: %w", err)
	}
	return done(len(its)), nil
}

// sentenceRates measures, for d each, the claims engine on one sentence at
// a time (AnalyzeSentence: worthiness and matching) and the match index
// alone (the claims/match benchmark's call), one worker per core.
func sentenceRates(store *claims.Store, sentences []string, d time.Duration) (engine, search measure) {
	eng := claims.NewEngine(store, claims.DefaultConfig())
	run := func(fn func(s string)) measure {
		var n atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		done := meter()
		for w := range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := w * 7919; time.Since(start) < d; i++ {
					fn(sentences[i%len(sentences)])
					n.Add(1)
				}
			})
		}
		wg.Wait()
		return done(int(n.Load()))
	}
	engine = run(func(s string) { _ = eng.AnalyzeSentence("bench", 0, s, "en") })
	search = run(func(s string) { _ = store.Index().Search(s, match.Options{Lang: "en", Clean: true, Limit: 3}) })
	return engine, search
}
