package reviewer

import (
	"context"
	"fmt"
	"time"

	"vigie/pipeline/claimdoc"
	"vigie/pipeline/index"
)

// Cluster is the claims that state one claim across items and sources (one
// cluster_id): how many, from how many sources, first and last seen, and
// the others.
type Cluster struct {
	ID string `json:"id,omitempty"`
	// Repeats is how many claims of the cluster exist, Sources in how many sources.
	Repeats int `json:"repeats"`
	Sources int `json:"sources"`
	// First and Last are when the first and the latest were detected.
	First  time.Time        `json:"first_seen,omitzero"`
	Last   time.Time        `json:"last_seen,omitzero"`
	Others []claimdoc.Claim `json:"others"`
}

// maxCluster bounds the other claims listed in a cluster.
const maxCluster = 50

// cluster reads the cluster of c from the index: its claims today, not
// the counts c was detected with.
func (s *Server) cluster(ctx context.Context, c claimdoc.Claim) (Cluster, error) {
	out := Cluster{ID: c.ClusterID, Others: []claimdoc.Claim{}, Repeats: 1, Sources: 1, First: c.Detected, Last: c.Detected}
	if c.ClusterID == "" {
		return out, nil
	}
	res, err := s.search(ctx, index.Query{Filter: "cluster_id = " + quoteFilter(c.ClusterID), Facets: []string{"source"},
		Sort: []string{"detected:desc"}, Limit: maxCluster + 1})
	if err != nil {
		return out, fmt.Errorf("read cluster %s: %w", c.ClusterID, err)
	}
	out.Repeats, out.Sources = max(res.Total, 1), max(len(res.Facets["source"]), 1)
	for _, h := range res.Hits {
		if h.ID != c.ID && len(out.Others) < maxCluster {
			out.Others = append(out.Others, h)
		}
	}
	if len(res.Hits) > 0 {
		out.Last = res.Hits[0].Detected
		out.First = res.Hits[len(res.Hits)-1].Detected
	}
	if res.Total > len(res.Hits) {
		first, err := s.search(ctx, index.Query{Filter: "cluster_id = " + quoteFilter(c.ClusterID), Sort: []string{"detected:asc"}, Limit: 1})
		if err != nil {
			return out, fmt.Errorf("read cluster %s: %w", c.ClusterID, err)
		}
		if len(first.Hits) > 0 {
			out.First = first.Hits[0].Detected
		}
	}
	return out, nil
}

// clusters reads the clusters of a page of claims (the queue's rows), by
// cluster id; a claim alone in its cluster has none.
func (s *Server) clusters(ctx context.Context, hits []claimdoc.Claim) (map[string]*Cluster, error) {
	out := map[string]*Cluster{}
	for _, h := range hits {
		if h.ClusterID == "" {
			continue
		}
		if _, ok := out[h.ClusterID]; ok {
			continue
		}
		res, err := s.search(ctx, index.Query{Filter: "cluster_id = " + quoteFilter(h.ClusterID), Facets: []string{"source"},
			Sort: []string{"detected:asc"}, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("read cluster %s: %w", h.ClusterID, err)
		}
		if res.Total < 2 || len(res.Hits) == 0 {
			out[h.ClusterID] = nil
			continue
		}
		out[h.ClusterID] = &Cluster{ID: h.ClusterID, Repeats: res.Total, Sources: max(len(res.Facets["source"]), 1),
			First: res.Hits[0].Detected}
	}
	return out, nil
}
