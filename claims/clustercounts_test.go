package claims

import (
	"fmt"
	"testing"
	"time"
)

func TestClusterCounts(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var c ClusterCounts
	add := func(item, source string, at time.Duration, newSource bool) {
		c = c.Add(ClusterSighting{ItemID: item, SourceID: source, At: t0.Add(at)}, newSource)
	}
	add("i1", "a", 0, true)
	add("i3", "b", 3*time.Hour, true)
	add("i2", "a", time.Hour, false) // late: sorted among the recent
	if c.Items != 3 || c.Sources != 2 || !c.First.Equal(t0) || !c.Last.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("counts %+v", c)
	}
	if c.Recent[0].ItemID != "i3" || c.Recent[1].ItemID != "i2" || c.Recent[2].ItemID != "i1" {
		t.Errorf("recent not latest first: %+v", c.Recent)
	}
	if !c.Counted("i2") || c.Counted("i9") {
		t.Error("Counted")
	}
	tests := []struct {
		at             time.Duration
		window         time.Duration
		items, sources int
	}{
		{3 * time.Hour, 30 * time.Minute, 1, 1},
		{3 * time.Hour, 2*time.Hour + time.Minute, 2, 2},
		{3 * time.Hour, 24 * time.Hour, 3, 2},
		{2 * time.Hour, 24 * time.Hour, 2, 1}, // later sightings do not count
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.at, tt.window), func(t *testing.T) {
			items, sources := c.Since(t0.Add(tt.at), tt.window)
			if items != tt.items || sources != tt.sources {
				t.Errorf("Since = %d items, %d sources; want %d, %d", items, sources, tt.items, tt.sources)
			}
			if got := c.Trending(t0.Add(tt.at), tt.window, tt.items, tt.sources); !got {
				t.Error("not trending at its own counts")
			}
			if c.Trending(t0.Add(tt.at), tt.window, tt.items, tt.sources+1) {
				t.Error("trending above its distinct sources")
			}
		})
	}
	for i := range 2 * MaxClusterRecent {
		add(fmt.Sprint("n", i), "c", 4*time.Hour+time.Duration(i)*time.Minute, false)
	}
	if len(c.Recent) != MaxClusterRecent || c.Recent[0].ItemID != fmt.Sprint("n", 2*MaxClusterRecent-1) {
		t.Errorf("recent holds %d, first %s", len(c.Recent), c.Recent[0].ItemID)
	}
}
