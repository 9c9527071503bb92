package main

import (
	"strings"
	"testing"
	"time"

	"vigie/pipeline/bus/bustest"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestImportedFactCheckFlagsFeedItem: a ClaimReview record imported with
// `vigie import factchecks` while vigie serves is matched at once: a feed
// item repeating it appears flagged, with the match, its rating and the
// explanation, in /api/v1/claims.
func TestImportedFactCheckFlagsFeedItem(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	data := t.TempDir()
	a := apptest.Start(t, apptest.Config(t, data), app.Options{})
	out, err := vigie(t, "import", "factchecks", "--data", data, "--quiet", "testdata/claimreview_cigarros.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 imported") || !strings.Contains(out, "rating false") {
		t.Fatalf("import report: %s", out)
	}
	// Only now does the source appear: the fact-check must already be in every matcher's store.
	if _, err := vigie(t, "sources", "add", "--data", data, "--id", "jn", "--url", feeds.URL+"/jn-porto.rss", "--allow-private", "true"); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, "the cigarettes claim flagged", func() bool {
		for _, h := range apptest.Claims(t, a.HTTPAddr(), "q=cigarros").Hits {
			if !strings.Contains(h.Text, "124 mil cigarros") {
				continue
			}
			if !h.Flagged || len(h.Matches) == 0 {
				return false
			}
			m := h.Matches[0]
			if m.Rating != "false" || m.TextualRating != "Falso" || m.Explanation == "" || m.URL != "https://example.org/checks/cigarros-caia" || m.Score < 0.7 || m.Score > 1 {
				t.Fatalf("match: %+v", m)
			}
			return true
		}
		return false
	})
}
