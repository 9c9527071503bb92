package matcher

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// Follower keeps a fact-check store in step with the vigie_factchecks
// bucket: imported fact-checks and published verdicts are matchable as
// soon as they are written, in every matcher process.
type Follower struct {
	kv       jetstream.KeyValue
	store    *claims.Store
	log      *zap.Logger
	keys     map[string]string // bucket key → fact-check id
	revision atomic.Uint64
	ready    chan struct{}
}

// NewFollower returns a follower applying kv to store.
func NewFollower(kv jetstream.KeyValue, store *claims.Store, log *zap.Logger) *Follower {
	return &Follower{kv: kv, store: store, log: log.Named("factchecks"), keys: map[string]string{}, ready: make(chan struct{})}
}

// Revision is the last bucket revision applied: with the configured files,
// it identifies the store a claim was matched against.
func (f *Follower) Revision() uint64 { return f.revision.Load() }

// Ready is closed once the bucket's current content is applied.
func (f *Follower) Ready() <-chan struct{} { return f.ready }

// Run applies the bucket's content, then every change, until ctx ends.
func (f *Follower) Run(ctx context.Context) error {
	w, err := f.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch fact-checks: %w", err)
	}
	return bus.Follow(ctx, w, f.ready, f.apply)
}

func (f *Follower) apply(e jetstream.KeyValueEntry) {
	defer f.revision.Store(e.Revision())
	if e.Operation() != jetstream.KeyValuePut {
		if id, ok := f.keys[e.Key()]; ok {
			f.store.Remove(id)
			delete(f.keys, e.Key())
		}
		return
	}
	fc, err := codec.DecodeFactCheck(e.Value())
	if err != nil {
		f.log.Warn("fact-check skipped", zap.String("key", e.Key()), zap.Error(err))
		return
	}
	if old, ok := f.keys[e.Key()]; ok && old != fc.ID {
		f.store.Remove(old)
	}
	f.keys[e.Key()] = fc.ID
	f.store.Add(fc)
}
