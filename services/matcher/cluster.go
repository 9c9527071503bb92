package matcher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
)

// Keys of the clusters bucket.
const (
	// sketchPrefix + claim id: the claim's cluster and what its sketch is
	// computed from (a sketchRecord).
	sketchPrefix = "s."
	// countsPrefix + cluster id: the cluster's counts (a countsRecord).
	countsPrefix = "n."
)

// maxSourcesKept bounds the distinct sources a cluster's record lists:
// beyond it, a source is counted again when it repeats the claim.
const maxSourcesKept = 1000

// sketchRecord is a claim as the clusters bucket keeps it: its cluster, and
// its text and language, from which every process computes its sketch
// (claims.Clusterer.Sketch) with its own word weights.
type sketchRecord struct {
	Cluster  string `json:"cluster"`
	Text     string `json:"text"`
	Language string `json:"language,omitempty"`
}

// countsRecord is a cluster's counts and the distinct sources counted.
type countsRecord struct {
	claims.ClusterCounts
	SourceIDs []string `json:"source_ids,omitempty"`
}

// Clusters assigns each claim the cluster of the claims that state the same
// claim, reworded or not (claims.Clusterer decides), and keeps each
// cluster's counts (items, distinct sources, first and last seen). Every
// matcher process shares them through the vigie_clusters bucket: a claim's
// cluster is written once with a compare-and-set (Create) of "s.<claim>",
// every process follows those keys into its own Clusterer, and a cluster's
// counts under "n.<cluster>" are updated by revision.
//
// A claim joins the cluster of the most similar earlier claim at or above
// the Clusterer's threshold, else starts a cluster named after its own id.
// Two processes seeing two new same-claim claims at the same instant may
// start two clusters; each later claim joins the more similar one.
type Clusters struct {
	kv  jetstream.KeyValue
	cl  *claims.Clusterer
	log *zap.Logger

	// mu serialises look-up-then-create within this process, so that
	// same-claim claims analysed at the same time join one cluster.
	mu    sync.Mutex
	known map[string]string // claim id → cluster, for the claims in cl
	order []string          // claim ids in known, oldest first
	max   int
	ready chan struct{}
}

// NewClusters returns clusters over the bucket, deciding with cl (nil: a
// claims.Clusterer with no fact-check store and the default threshold).
func NewClusters(kv jetstream.KeyValue, cl *claims.Clusterer, log *zap.Logger) *Clusters {
	if cl == nil {
		cl = claims.NewClusterer(nil, 0, 0)
	}
	return &Clusters{kv: kv, cl: cl, log: log.Named("clusters"), known: map[string]string{},
		max: claims.DefaultClusterWindow, ready: make(chan struct{})}
}

// Ready is closed once the bucket's current claims are loaded.
func (c *Clusters) Ready() <-chan struct{} { return c.ready }

// Run follows the bucket's claims until ctx ends.
func (c *Clusters) Run(ctx context.Context) error {
	w, err := c.kv.Watch(ctx, sketchPrefix+"*", jetstream.IgnoreDeletes())
	if err != nil {
		return fmt.Errorf("watch clusters: %w", err)
	}
	return bus.Follow(ctx, w, c.ready, func(e jetstream.KeyValueEntry) {
		var r sketchRecord
		if err := json.Unmarshal(e.Value(), &r); err != nil || r.Cluster == "" {
			c.log.Warn("cluster entry skipped", zap.String("key", e.Key()), zap.Error(err))
			return
		}
		id := strings.TrimPrefix(e.Key(), sketchPrefix)
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.known[id]; !ok {
			c.addLocked(id, c.cl.Sketch(r.Text, r.Language), r.Cluster)
		}
	})
}

// addLocked remembers a claim of a cluster, forgetting the oldest beyond
// the Clusterer's window.
func (c *Clusters) addLocked(id string, s claims.Sketch, cluster string) {
	c.cl.Add(s, cluster)
	c.known[id] = cluster
	c.order = append(c.order, id)
	if len(c.order) > c.max {
		delete(c.known, c.order[0])
		c.order[0] = ""
		c.order = c.order[1:]
		if cap(c.order) > 2*c.max {
			c.order = slices.Clone(c.order)
		}
	}
}

// Assign returns the cluster of a claim, starting one named after the
// claim when no earlier claim states the same claim. A claim assigned
// before (an item delivered again) keeps its cluster.
func (c *Clusters) Assign(ctx context.Context, cl claims.Claim) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cluster, ok := c.known[cl.ID]; ok {
		return cluster, nil
	}
	s := c.cl.Sketch(cl.Text, cl.Language)
	cluster, _, ok := c.cl.Nearest(s)
	if !ok {
		cluster = cl.ID
	}
	val, err := json.Marshal(sketchRecord{Cluster: cluster, Text: cl.Text, Language: cl.Language})
	if err != nil {
		return "", err
	}
	_, err = c.kv.Create(ctx, sketchPrefix+cl.ID, val)
	if errors.Is(err, jetstream.ErrKeyExists) {
		// Assigned by another process, or by this one before a restart
		// the watcher has not caught up with: that assignment stands.
		e, gerr := c.kv.Get(ctx, sketchPrefix+cl.ID)
		if gerr != nil {
			return "", fmt.Errorf("read cluster of claim %s: %w", cl.ID, gerr)
		}
		var r sketchRecord
		if jerr := json.Unmarshal(e.Value(), &r); jerr == nil && r.Cluster != "" {
			cluster = r.Cluster
		}
	} else if err != nil {
		return "", fmt.Errorf("create cluster entry of claim %s: %w", cl.ID, err)
	}
	c.addLocked(cl.ID, s, cluster)
	return cluster, nil
}

// Count counts an item in a cluster (once: an item already among the
// cluster's recent ones is not counted again) and returns the cluster's
// counts.
func (c *Clusters) Count(ctx context.Context, cluster string, s claims.ClusterSighting) (claims.ClusterCounts, error) {
	key := countsPrefix + cluster
	for range 10 {
		var r countsRecord
		var rev uint64
		e, err := c.kv.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return claims.ClusterCounts{}, fmt.Errorf("read counts of cluster %s: %w", cluster, err)
		default:
			rev = e.Revision()
			if err := json.Unmarshal(e.Value(), &r); err != nil {
				return claims.ClusterCounts{}, fmt.Errorf("decode counts of cluster %s: %w", cluster, err)
			}
		}
		if r.Counted(s.ItemID) {
			return r.ClusterCounts, nil
		}
		newSource := !slices.Contains(r.SourceIDs, s.SourceID)
		r.ClusterCounts = r.Add(s, newSource)
		if newSource && len(r.SourceIDs) < maxSourcesKept {
			r.SourceIDs = append(r.SourceIDs, s.SourceID)
		}
		val, err := json.Marshal(r)
		if err != nil {
			return claims.ClusterCounts{}, err
		}
		if rev == 0 {
			_, err = c.kv.Create(ctx, key, val)
		} else {
			_, err = c.kv.Update(ctx, key, val, rev)
		}
		if err == nil {
			return r.ClusterCounts, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return claims.ClusterCounts{}, fmt.Errorf("write counts of cluster %s: %w", cluster, err)
		}
	}
	return claims.ClusterCounts{}, fmt.Errorf("write counts of cluster %s: too many concurrent updates", cluster)
}

// Counts returns a cluster's counts (zero counts for an unknown cluster).
func (c *Clusters) Counts(ctx context.Context, cluster string) (claims.ClusterCounts, error) {
	e, err := c.kv.Get(ctx, countsPrefix+cluster)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return claims.ClusterCounts{}, nil
	}
	if err != nil {
		return claims.ClusterCounts{}, fmt.Errorf("read counts of cluster %s: %w", cluster, err)
	}
	var r countsRecord
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return claims.ClusterCounts{}, fmt.Errorf("decode counts of cluster %s: %w", cluster, err)
	}
	return r.ClusterCounts, nil
}

// assignAll sets the cluster and the cluster's counts of the claims of
// one item: each cluster counts the item once.
func (c *Clusters) assignAll(ctx context.Context, ic *claims.ItemClaims) error {
	counts := map[string]claims.ClusterCounts{}
	for i := range ic.Claims {
		cl := &ic.Claims[i]
		if cl.LowPriority {
			continue // not in the queue: kept and searchable, not clustered
		}
		cluster, err := c.Assign(ctx, *cl)
		if err != nil {
			return err
		}
		cl.ClusterID = cluster
		n, ok := counts[cluster]
		if !ok {
			if n, err = c.Count(ctx, cluster, claims.ClusterSighting{ItemID: ic.ItemID, SourceID: ic.SourceID, At: ic.Analyzed}); err != nil {
				return err
			}
			counts[cluster] = n
		}
		cl.Cluster = n
	}
	return nil
}
