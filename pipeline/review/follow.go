package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
)

// JudgementIndex follows the vigie_judgements bucket in memory: the
// judgements of every claim and cluster, for the stages that look them up
// per claim (the matcher drops rejected pairs; the indexer shows the
// judgements made for a claim's cluster on each of its claims).
type JudgementIndex struct {
	kv  jetstream.KeyValue
	log *zap.Logger

	mu sync.RWMutex
	// byScope maps a JudgementScope to its judgements by fact-check id;
	// keys remembers each key's place for deletes.
	byScope map[string]map[string]claims.JudgementRecord
	keys    map[string][2]string
	ready   chan struct{}
}

// NewJudgementIndex returns an index following kv, the judgements bucket.
func NewJudgementIndex(kv jetstream.KeyValue, log *zap.Logger) *JudgementIndex {
	if log == nil {
		log = zap.NewNop()
	}
	return &JudgementIndex{kv: kv, log: log.Named("judgements"), byScope: map[string]map[string]claims.JudgementRecord{},
		keys: map[string][2]string{}, ready: make(chan struct{})}
}

// Ready is closed once the bucket's current content is applied.
func (x *JudgementIndex) Ready() <-chan struct{} { return x.ready }

// Run applies the bucket's content, then every change, until ctx ends.
func (x *JudgementIndex) Run(ctx context.Context) error {
	w, err := x.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch judgements: %w", err)
	}
	return bus.Follow(ctx, w, x.ready, x.apply)
}

func (x *JudgementIndex) apply(e jetstream.KeyValueEntry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.keys[e.Key()]; ok {
		delete(x.byScope[old[0]], old[1])
		delete(x.keys, e.Key())
	}
	if e.Operation() != jetstream.KeyValuePut {
		return
	}
	rec, err := DecodeJudgement(e.Value())
	if err != nil {
		x.log.Warn("judgement skipped", zap.String("key", e.Key()), zap.Error(err))
		return
	}
	scope := JudgementScope(rec.ClaimID, rec.ClusterID)
	if x.byScope[scope] == nil {
		x.byScope[scope] = map[string]claims.JudgementRecord{}
	}
	x.byScope[scope][rec.FactCheckID] = rec
	x.keys[e.Key()] = [2]string{scope, rec.FactCheckID}
}

// Rejected reports whether the pair (claim, fact-check) was rejected for
// the claim or for its cluster (clusterID may be empty), by its latest
// judgement.
func (x *JudgementIndex) Rejected(claimID, clusterID, factCheckID string) bool {
	for _, j := range x.For(claimID, clusterID) {
		if j.FactCheckID == factCheckID {
			return j.Judgement == claims.JudgementRejected
		}
	}
	return false
}

// For returns the judgements that apply to a claim, its own and its
// cluster's, the latest per fact-check, by fact-check id.
func (x *JudgementIndex) For(claimID, clusterID string) []claims.JudgedMatch {
	x.mu.RLock()
	defer x.mu.RUnlock()
	latest := map[string]claims.JudgementRecord{}
	scopes := []string{JudgementScope(claimID, "")}
	if clusterID != "" {
		scopes = append(scopes, JudgementScope("", clusterID))
	}
	for _, s := range scopes {
		for fc, r := range x.byScope[s] {
			if o, ok := latest[fc]; !ok || o.JudgedAt.Before(r.JudgedAt) {
				latest[fc] = r
			}
		}
	}
	out := make([]claims.JudgedMatch, 0, len(latest))
	for _, r := range latest {
		out = append(out, r.Judged())
	}
	slices.SortFunc(out, func(a, b claims.JudgedMatch) int { return strings.Compare(a.FactCheckID, b.FactCheckID) })
	return out
}

// Merge returns own (a claim's review state's judgements) with the
// judgements the index holds for the claim's cluster that are later than
// the claim's own of the same fact-check (or that it lacks).
func (x *JudgementIndex) Merge(own []claims.JudgedMatch, claimID, clusterID string) []claims.JudgedMatch {
	if x == nil || clusterID == "" {
		return own
	}
	out := slices.Clone(own)
	for _, j := range x.For(claimID, clusterID) {
		if j.ClusterID == "" {
			continue
		}
		i := slices.IndexFunc(out, func(o claims.JudgedMatch) bool { return o.FactCheckID == j.FactCheckID })
		switch {
		case i < 0:
			out = append(out, j)
		case out[i].At.Before(j.At):
			out[i] = j
		}
	}
	return out
}
