package reviewer

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/claimdoc"
)

// TestClusterCountsOnRowsAndPage: the claims of one cluster in three sources
// show their cluster's counts today (not the counts each was detected with)
// on every queue row and on the claim page (first and last seen); a claim
// alone in its cluster shows none on its row.
func TestClusterCountsOnRowsAndPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i, src := range []string{"daily-post", "evening-news", "city-radio"} {
		ids = append(ids, e.claim(func(c *claimdoc.Claim) {
			c.ClusterID, c.Source, c.SourceName = "hoax", src, src
			c.Detected = day.Add(time.Duration(i) * time.Hour)
			c.ClusterItems, c.ClusterSources = i+1, i+1 // as detected
		}))
	}
	alone := e.claim(func(c *claimdoc.Claim) { c.ClusterID = "alone"; c.Detected = day })
	fc := e.browser(t)
	fc.login("u-factchecker")

	resp, page := fc.req("GET", "/queue", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("queue: %d", resp.StatusCode)
	}
	if n := strings.Count(page, `data-testid="cluster-count" data-repeats="3" data-sources="3"`); n != 3 {
		t.Errorf("%d rows show 3 repeats in 3 sources, want 3:\n%s", n, page)
	}
	must(t, page, "Repeated 3 times in 3 sources since")
	row := page[strings.Index(page, `data-claim-id="`+alone+`"`):]
	row = row[:strings.Index(row, "</li>")]
	if strings.Contains(row, "cluster-count") {
		t.Errorf("a claim alone in its cluster shows a count: %s", row)
	}

	if _, page := fc.req("GET", "/claims/"+alone, nil); !strings.Contains(page, "Not seen elsewhere yet") || strings.Contains(page, "Repeated 1 times") {
		t.Errorf("a claim alone in its cluster: %s", page[strings.Index(page, `id="cluster-summary"`):][:200])
	}
	_, page = fc.req("GET", "/claims/"+ids[0], nil)
	must(t, page, `data-repeats="3" data-sources="3"`, `id="cluster-seen" data-first="2026-12-01T09:00:00Z" data-last="2026-12-01T11:00:00Z"`)

	resp, body := fc.req("GET", "/api/v1/claims/"+ids[1], nil)
	var got struct {
		Claim   claimdoc.Claim `json:"claim"`
		Cluster Cluster        `json:"cluster"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("claim API: %d %v: %s", resp.StatusCode, err, body)
	}
	if got.Cluster.Repeats != 3 || got.Cluster.Sources != 3 || !got.Cluster.First.Equal(day) || !got.Cluster.Last.Equal(day.Add(2*time.Hour)) ||
		len(got.Cluster.Others) != 2 || got.Claim.ClusterID != "hoax" || got.Claim.ClusterItems != 2 {
		t.Errorf("claim API cluster: %+v, claim cluster %q items %d", got.Cluster, got.Claim.ClusterID, got.Claim.ClusterItems)
	}
}
