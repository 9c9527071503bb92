package app

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/metrics"
)

// startStages starts the service loops, downstream first so that nothing
// waits on a stage not yet running, then the watchers: the JetStream
// metrics and, with the embedded server, the store's healer.
func (a *App) startStages(ctx context.Context) error {
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
	return nil
}

// goStage runs fn in a context of its own, cancelled by Shutdown only (not
// by the context Start was given).
func (a *App) goStage(parent context.Context, name string, fn func(context.Context) error) (context.CancelFunc, chan struct{}) {
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

// healStore restarts the embedded NATS server when JetStream failed to
// write its files (the disk filled up: the streams that failed refuse
// writes until they are loaded again) and the data folder has room again;
// it looks every interval, and restarts at most once a minute (a write
// error with room on the disk, e.g. a permission, would otherwise restart
// it in a loop). Nothing acknowledged is lost: JetStream reloads what it
// stored, the clients reconnect and the workers retry.
func (a *App) healStore(ctx context.Context, interval time.Duration) {
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
