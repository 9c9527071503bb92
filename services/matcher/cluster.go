package matcher

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
)

// bands splits a 64-bit fingerprint for locality-sensitive lookup: two
// fingerprints within claims.NearDistance bits agree on at least one band
// (pigeonhole: 11 bands, at most 10 differing bits).
const bands = 11

func bandOf(fp uint64, b int) uint64 {
	lo := b * 64 / bands
	hi := (b + 1) * 64 / bands
	return (fp >> uint(lo)) & (1<<uint(hi-lo) - 1)
}

// Clusters assigns near-duplicate claims one cluster id, shared by every
// matcher process through the vigie_clusters bucket: a cluster is created
// with a compare-and-set (Create) of the key "c.<fingerprint>", and every
// process follows the bucket to find existing clusters near a new claim.
//
// Two processes seeing two new near-duplicate claims at the same instant
// may create two clusters; each later claim joins the nearest (smallest
// id on ties), so the split does not grow.
type Clusters struct {
	kv jetstream.KeyValue

	mu  sync.RWMutex
	fps map[uint64]bool
	// assign serialises look-up-then-create within this process, so that
	// near-duplicates analysed at the same time join one cluster.
	assign sync.Mutex
	index  [bands]map[uint64][]uint64
	ready  chan struct{}
}

// NewClusters returns clusters over the bucket.
func NewClusters(kv jetstream.KeyValue) *Clusters {
	c := &Clusters{kv: kv, fps: map[uint64]bool{}, ready: make(chan struct{})}
	for i := range c.index {
		c.index[i] = map[uint64][]uint64{}
	}
	return c
}

// Ready is closed once the bucket's current clusters are loaded.
func (c *Clusters) Ready() <-chan struct{} { return c.ready }

// Run follows the bucket until ctx ends.
func (c *Clusters) Run(ctx context.Context) error {
	w, err := c.kv.Watch(ctx, "c.*", jetstream.IgnoreDeletes())
	if err != nil {
		return fmt.Errorf("watch clusters: %w", err)
	}
	return follow(ctx, w, c.ready, func(e jetstream.KeyValueEntry) {
		if fp, err := strconv.ParseUint(strings.TrimPrefix(e.Key(), "c."), 16, 64); err == nil {
			c.add(fp)
		}
	})
}

func (c *Clusters) add(fp uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fps[fp] {
		return
	}
	c.fps[fp] = true
	for b := 0; b < bands; b++ {
		k := bandOf(fp, b)
		c.index[b][k] = append(c.index[b][k], fp)
	}
}

// nearest returns the known cluster nearest to fp within claims.NearDistance.
func (c *Clusters) nearest(fp uint64) (uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	best, bestD, found := uint64(0), claims.NearDistance+1, false
	for b := 0; b < bands; b++ {
		for _, cand := range c.index[b][bandOf(fp, b)] {
			d := claims.Distance(fp, cand)
			if d < bestD || (d == bestD && cand < best) {
				best, bestD, found = cand, d, true
			}
		}
	}
	return best, found
}

// Assign returns the cluster id of a claim fingerprint, creating the
// cluster when no known one is near. A zero fingerprint has no cluster.
func (c *Clusters) Assign(ctx context.Context, fp uint64) (string, error) {
	if fp == 0 {
		return "", nil
	}
	c.assign.Lock()
	defer c.assign.Unlock()
	if near, ok := c.nearest(fp); ok {
		return clusterID(near), nil
	}
	val := make([]byte, 8)
	binary.BigEndian.PutUint64(val, fp)
	_, err := c.kv.Create(ctx, "c."+clusterID(fp), val)
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return "", fmt.Errorf("create cluster: %w", err)
	}
	c.add(fp)
	return clusterID(fp), nil
}

func clusterID(fp uint64) string { return fmt.Sprintf("%016x", fp) }

// assignAll sets the cluster ids of claims, in order.
func (c *Clusters) assignAll(ctx context.Context, cs []claims.Claim) ([]string, error) {
	ids := make([]string, len(cs))
	for i, cl := range cs {
		id, err := c.Assign(ctx, cl.Fingerprint)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return slices.Clip(ids), nil
}
