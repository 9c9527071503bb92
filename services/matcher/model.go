package matcher

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/matchermodel"
)

// Models keeps the matcher's engine on the workspace's chosen re-ranking
// model (pipeline/matchermodel), followed in the settings bucket: a switch
// takes effect on the next item in every matcher process. A setting whose
// model cannot be read leaves the engine as it was.
type Models struct {
	kv     jetstream.KeyValue
	base   *claims.Engine
	engine atomic.Pointer[claims.Engine]
	source atomic.Value // string
	log    *zap.Logger
	ready  chan struct{}
}

// NewModels returns a follower of the setting in kv (the settings bucket)
// applying it to base (an engine with the shipped model).
func NewModels(kv jetstream.KeyValue, base *claims.Engine, log *zap.Logger) *Models {
	m := &Models{kv: kv, base: base, log: log.Named("matcher_model"), ready: make(chan struct{})}
	m.engine.Store(base)
	m.source.Store(matchermodel.Shipped)
	return m
}

// Engine returns the engine with the current model.
func (m *Models) Engine() *claims.Engine { return m.engine.Load() }

// Source names the current model (matchermodel.Shipped or a file's name).
func (m *Models) Source() string { return m.source.Load().(string) }

// Ready is closed once the current setting is applied.
func (m *Models) Ready() <-chan struct{} { return m.ready }

// Run follows the setting until ctx ends.
func (m *Models) Run(ctx context.Context) error {
	w, err := m.kv.Watch(ctx, matchermodel.Key)
	if err != nil {
		return fmt.Errorf("watch matcher model setting: %w", err)
	}
	return bus.Follow(ctx, w, m.ready, func(e jetstream.KeyValueEntry) {
		s := matchermodel.Setting{Source: matchermodel.Shipped}
		if e.Operation() == jetstream.KeyValuePut {
			if s, err = matchermodel.Decode(e.Value()); err != nil {
				m.log.Error("matcher model setting unreadable; model unchanged", zap.Error(err))
				return
			}
		}
		model, err := s.MatcherModel()
		if err != nil {
			m.log.Error("matcher model unusable; model unchanged", zap.String("source", s.Source), zap.Error(err))
			return
		}
		if s.IsShipped() {
			m.engine.Store(m.base)
		} else {
			m.engine.Store(m.base.WithMatcherModel(model))
		}
		m.source.Store(s.Source)
		m.log.Info("matcher model in use", zap.String("source", s.Source), zap.String("by", s.By))
	})
}
