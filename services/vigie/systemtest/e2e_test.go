package systemtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/config"
)

// TestEndToEnd: a real fixture feed on a local server goes through an
// in-process nats-server, the matcher and the index, and one of its
// claims is found through the API.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	ns := bustest.Server(t)
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	cfg := apptest.Config(t, t.TempDir(), feeds.URL+"/jn-porto.rss")
	cfg.NATS.URL = []string{ns.ClientURL()}
	a := apptest.Start(t, cfg, app.Options{})

	var res reviewer.ClaimsResponse
	bustest.Eventually(t, 20*time.Second, "claims of the feed in the queue", func() bool {
		res = apptest.Claims(t, a.HTTPAddr(), "q=")
		return res.Total > 0
	})
	if len(res.Hits) == 0 {
		t.Fatal("total > 0 but no hits")
	}
	h := res.Hits[0]
	if h.ID == "" || h.Text == "" || h.Source != "feed-0" || !strings.HasPrefix(h.ItemURL, "http") || h.Worthiness < 0 || h.Worthiness > 1 || h.Matches == nil {
		t.Fatalf("unexpected hit shape: %+v", h)
	}
	// A text query finds a claim of this feed: the GNR seizure of 124,000 cigarettes.
	bustest.Eventually(t, 20*time.Second, "a claim about cigarettes", func() bool {
		r := apptest.Claims(t, a.HTTPAddr(), "q="+url.QueryEscape("cigarros"))
		for _, h := range r.Hits {
			if strings.Contains(h.Text, "124 mil cigarros") && h.Source == "feed-0" {
				return true
			}
		}
		return false
	})
	// The raw JSON has exactly the documented field names.
	resp := apptest.Get(t, a.HTTPAddr(), "/api/v1/claims?q=&limit=1")
	var raw struct {
		Total *int             `json:"total"`
		Hits  []map[string]any `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if raw.Total == nil || len(raw.Hits) != 1 {
		t.Fatalf("raw response: total=%v hits=%d", raw.Total, len(raw.Hits))
	}
	for _, k := range []string{"id", "text", "item_title", "item_url", "source", "source_name", "language", "worthiness", "matches"} {
		if _, ok := raw.Hits[0][k]; !ok {
			t.Errorf("hit has no %q field: %v", k, raw.Hits[0])
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		r, err := http.Get("http://" + a.HTTPAddr() + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}
	// The queue page needs a reviewer; anonymous API calls are refused.
	if r := apptest.Get(t, a.HTTPAddr(), "/"); r.StatusCode != http.StatusOK {
		t.Errorf("GET / as admin: %d", r.StatusCode)
	} else {
		r.Body.Close()
	}
	anon, err := http.Get("http://" + a.HTTPAddr() + "/api/v1/claims?q=")
	if err != nil {
		t.Fatal(err)
	}
	anon.Body.Close()
	if anon.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous GET /api/v1/claims: %d, want 401", anon.StatusCode)
	}
}

// TestRestartPublishesNothingNew: after a clean stop, a restart later than
// the duplicate window finds everything still searchable, and polling the
// same feed again publishes nothing on ITEMS or CLAIMS.
func TestRestartPublishesNothingNew(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss", "uol-noticias.rss")
	data := t.TempDir()
	cfg := apptest.Config(t, data, feeds.URL+"/jn-porto.rss", feeds.URL+"/uol-noticias.rss")
	cfg.NATS.DuplicateWindow = config.Duration(500 * time.Millisecond)
	ctx := context.Background()

	a := apptest.Start(t, cfg, app.Options{})
	var items, claimsMsgs uint64
	var total int
	bustest.Eventually(t, 60*time.Second, "both feeds ingested and indexed", func() bool {
		// A source's state records its fetch once every item of it is on ITEMS.
		for _, s := range a.Sources() {
			if st, _, err := a.Registry().State(ctx, s.ID); err != nil || st.LastFetch.IsZero() {
				return false
			}
		}
		items = apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems)
		claimsMsgs = apptest.StreamMsgs(t, a.Bus().JS, bus.StreamClaims)
		total = apptest.Claims(t, a.HTTPAddr(), "q=").Total
		return items > 40 && claimsMsgs == items && total > 0 && apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	total = apptest.Claims(t, a.HTTPAddr(), "q=").Total
	if err := apptest.Shutdown(a, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, bus.EndpointFile)); !os.IsNotExist(err) {
		t.Fatalf("endpoint file left after a clean stop: %v", err)
	}

	// Let the duplicate window pass: only the seen-id bucket can prevent republishing now.
	time.Sleep(2 * cfg.NATS.DuplicateWindow.D())

	b := apptest.Start(t, cfg, app.Options{})
	if got := apptest.Claims(t, b.HTTPAddr(), "q=").Total; got != total {
		t.Fatalf("after restart the index has %d claims, want %d", got, total)
	}
	// Poll both feeds again, synchronously, through the same ingester code.
	for _, s := range b.Sources() {
		// Due or not, poll now: the point is what a re-poll publishes.
		n, err := b.Ingester().Poll(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("polling %s again published %d items, want 0", s.ID, n)
		}
	}
	if got := apptest.StreamMsgs(t, b.Bus().JS, bus.StreamItems); got != items {
		t.Errorf("ITEMS has %d messages after restart and re-poll, want %d", got, items)
	}
	// Once the matcher has nothing pending, CLAIMS cannot grow any more.
	bustest.Eventually(t, 10*time.Second, "matcher idle", func() bool { return apptest.ConsumerIdle(t, b.Bus().JS, bus.StreamItems, bus.ConsumerMatcher) })
	if got := apptest.StreamMsgs(t, b.Bus().JS, bus.StreamClaims); got != claimsMsgs {
		t.Errorf("CLAIMS has %d messages after restart, want %d", got, claimsMsgs)
	}
}

// TestSameArticleTwoSources: one article reached through two sources (two
// feed URLs with different tracking parameters) has one canonical link, and
// a filter on it finds the claims of both sources.
func TestSameArticleTwoSources(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	cfg := apptest.Config(t, t.TempDir(), feeds.URL+"/jn-porto.rss?utm_source=a", feeds.URL+"/jn-porto.rss?utm_source=b")
	a := apptest.Start(t, cfg, app.Options{})
	var hit reviewer.ClaimsResponse
	bustest.Eventually(t, 20*time.Second, "claims from both sources", func() bool {
		hit = apptest.Claims(t, a.HTTPAddr(), "q=cigarros&facets=source")
		return len(hit.Facets["source"]) == 2
	})
	u := hit.Hits[0].ItemURL
	both := apptest.Claims(t, a.HTTPAddr(), "q=&facets=source&filter="+url.QueryEscape("item_url = "+strconv.Quote(u)))
	if both.Facets["source"]["feed-0"] == 0 || both.Facets["source"]["feed-1"] == 0 {
		t.Fatalf("filter on the canonical link %s: %v", u, both.Facets)
	}
}
