package claims

import (
	"slices"
	"time"
)

// MaxClusterRecent is how many of a cluster's latest items ClusterCounts
// keeps in Recent: enough to tell a trending cluster (a few sources within a
// window) from a slow one.
const MaxClusterRecent = 32

// ClusterSighting is one item in which a cluster's claim was seen.
type ClusterSighting struct {
	ItemID   string    `json:"item_id"`
	SourceID string    `json:"source_id"`
	At       time.Time `json:"at"`
}

// ClusterCounts are the counts of one cluster of claims (Claim.ClusterID):
// how many items repeat it, from how many distinct sources, when it was
// first and last seen, and its latest items. The matcher keeps them and
// carries them on every claim of the cluster as they stood once the
// claim's item was counted.
type ClusterCounts struct {
	Items   int       `json:"items"`
	Sources int       `json:"sources"`
	First   time.Time `json:"first,omitzero"`
	Last    time.Time `json:"last,omitzero"`
	// Recent are the latest items, latest first, at most MaxClusterRecent.
	Recent []ClusterSighting `json:"recent,omitempty"`
}

// Counted reports whether the item is among the Recent ones.
func (c ClusterCounts) Counted(itemID string) bool {
	return slices.ContainsFunc(c.Recent, func(s ClusterSighting) bool { return s.ItemID == itemID })
}

// Add counts one more item; newSource says whether its source is one the
// cluster had not been seen in (the caller keeps the set of sources).
func (c ClusterCounts) Add(s ClusterSighting, newSource bool) ClusterCounts {
	c.Items++
	if newSource {
		c.Sources++
	}
	if c.First.IsZero() || s.At.Before(c.First) {
		c.First = s.At
	}
	if s.At.After(c.Last) {
		c.Last = s.At
	}
	i, _ := slices.BinarySearchFunc(c.Recent, s, func(e, t ClusterSighting) int { return t.At.Compare(e.At) })
	c.Recent = slices.Insert(slices.Clone(c.Recent), i, s)
	if len(c.Recent) > MaxClusterRecent {
		c.Recent = slices.Clip(c.Recent[:MaxClusterRecent])
	}
	return c
}

// Since returns how many of the Recent items, and from how many distinct
// sources, were seen in (at-window, at]. Once Recent is full and all within
// the window, the true counts may be higher.
func (c ClusterCounts) Since(at time.Time, window time.Duration) (items, sources int) {
	from := at.Add(-window)
	var seen []string
	for _, s := range c.Recent {
		if !s.At.After(from) || s.At.After(at) {
			continue
		}
		items++
		if !slices.Contains(seen, s.SourceID) {
			seen = append(seen, s.SourceID)
		}
	}
	return items, len(seen)
}

// Trending reports whether the cluster was seen in at least minItems items
// from at least minSources distinct sources within window before at: the
// trending alert's rule.
func (c ClusterCounts) Trending(at time.Time, window time.Duration, minItems, minSources int) bool {
	items, sources := c.Since(at, window)
	return items >= max(minItems, 1) && sources >= max(minSources, 1)
}
