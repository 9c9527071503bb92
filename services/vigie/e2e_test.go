package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap/zaptest"

	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/services/reviewer"
	"vigie/services/vigie/config"
)

// feedServer serves files of the demo folder (real fixture feeds) and counts requests.
func feedServer(t *testing.T, files ...string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("demo", f))
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc("/"+f, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write(b)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// testConfig is a configuration for one process in a temporary data folder.
func testConfig(t *testing.T, data string, feedURLs ...string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Data = data
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Fetch.AllowPrivateNetworks = true // the feed server is on loopback
	cfg.Log.Level = "warn"
	cfg.Index.FlushInterval = config.Duration(50 * time.Millisecond)
	for i, u := range feedURLs {
		cfg.Sources = append(cfg.Sources, config.Source{ID: fmt.Sprintf("feed-%d", i), Name: fmt.Sprintf("Feed %d", i), Kind: "feed", URL: u, Interval: config.Duration(time.Hour)})
	}
	return cfg
}

// apiTokens maps an HTTP address to an admin API token for it: in-process
// apps get one at start (onStarted, see TestMain), subprocesses from
// `vigie tokens create` (serveProcess).
var apiTokens sync.Map

func registerApp(a *app) {
	tok, _, err := a.accounts.CreateToken(context.Background(), "admin", "tests", account.ScopeFull)
	if err == nil {
		apiTokens.Store(a.httpAddr, tok)
	}
}

// authGet does an authenticated GET against a Vigie of the test.
func authGet(t *testing.T, addr, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok, ok := apiTokens.Load(addr); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func getClaims(t *testing.T, addr, query string) reviewer.ClaimsResponse {
	t.Helper()
	resp := authGet(t, addr, "/api/v1/claims?"+query)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/claims?%s: %d %s", query, resp.StatusCode, b)
	}
	var out reviewer.ClaimsResponse
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode claims: %v: %s", err, b)
	}
	return out
}

func streamMsgs(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	st, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestEndToEnd: a real fixture feed on a local server goes through an
// in-process nats-server, the matcher and the index, and one of its
// claims is found through the API.
func TestEndToEnd(t *testing.T) {
	ns := bustest.Server(t)
	feeds := feedServer(t, "jn-porto.rss")
	cfg := testConfig(t, t.TempDir(), feeds.URL+"/jn-porto.rss")
	cfg.NATS.URL = []string{ns.ClientURL()}
	ctx := context.Background()
	a, err := startApp(ctx, cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown(10 * time.Second)

	var res reviewer.ClaimsResponse
	bustest.Eventually(t, 20*time.Second, "claims of the feed in the queue", func() bool {
		res = getClaims(t, a.httpAddr, "q=")
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
		r := getClaims(t, a.httpAddr, "q="+url.QueryEscape("cigarros"))
		for _, h := range r.Hits {
			if strings.Contains(h.Text, "124 mil cigarros") && h.Source == "feed-0" {
				return true
			}
		}
		return false
	})
	// The raw JSON has exactly the documented field names.
	resp := authGet(t, a.httpAddr, "/api/v1/claims?q=&limit=1")
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
		r, err := http.Get("http://" + a.httpAddr + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}
	// The queue page needs a reviewer; anonymous API calls are refused.
	if r := authGet(t, a.httpAddr, "/"); r.StatusCode != http.StatusOK {
		t.Errorf("GET / as admin: %d", r.StatusCode)
	} else {
		r.Body.Close()
	}
	anon, err := http.Get("http://" + a.httpAddr + "/api/v1/claims?q=")
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
	feeds := feedServer(t, "jn-porto.rss", "uol-noticias.rss")
	data := t.TempDir()
	cfg := testConfig(t, data, feeds.URL+"/jn-porto.rss", feeds.URL+"/uol-noticias.rss")
	cfg.NATS.DuplicateWindow = config.Duration(500 * time.Millisecond)
	ctx := context.Background()

	a, err := startApp(ctx, cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var items, claimsMsgs uint64
	var total int
	bustest.Eventually(t, 30*time.Second, "both feeds ingested and indexed", func() bool {
		items = streamMsgs(t, a.bus.JS, bus.StreamItems)
		claimsMsgs = streamMsgs(t, a.bus.JS, bus.StreamClaims)
		total = getClaims(t, a.httpAddr, "q=").Total
		return items > 40 && claimsMsgs == items && total > 0 && consumerIdle(t, a.bus.JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	total = getClaims(t, a.httpAddr, "q=").Total
	if err := a.shutdown(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, bus.EndpointFile)); !os.IsNotExist(err) {
		t.Fatalf("endpoint file left after a clean stop: %v", err)
	}

	// Let the duplicate window pass: only the seen-id bucket can prevent republishing now.
	time.Sleep(2 * cfg.NATS.DuplicateWindow.D())

	b, err := startApp(ctx, cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.shutdown(10 * time.Second)
	if got := getClaims(t, b.httpAddr, "q=").Total; got != total {
		t.Fatalf("after restart the index has %d claims, want %d", got, total)
	}
	// Poll both feeds again, synchronously, through the same ingester code.
	for _, s := range b.sources {
		// Due or not, poll now: the point is what a re-poll publishes.
		n, err := b.ing.Poll(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("polling %s again published %d items, want 0", s.ID, n)
		}
	}
	if got := streamMsgs(t, b.bus.JS, bus.StreamItems); got != items {
		t.Errorf("ITEMS has %d messages after restart and re-poll, want %d", got, items)
	}
	// Once the matcher has nothing pending, CLAIMS cannot grow any more.
	bustest.Eventually(t, 10*time.Second, "matcher idle", func() bool { return consumerIdle(t, b.bus.JS, bus.StreamItems, bus.ConsumerMatcher) })
	if got := streamMsgs(t, b.bus.JS, bus.StreamClaims); got != claimsMsgs {
		t.Errorf("CLAIMS has %d messages after restart, want %d", got, claimsMsgs)
	}
}

// consumerIdle reports whether a durable consumer has nothing pending or unacknowledged.
func consumerIdle(t *testing.T, js jetstream.JetStream, stream, durable string) bool {
	t.Helper()
	c, err := js.Consumer(context.Background(), stream, durable)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.NumPending == 0 && info.NumAckPending == 0
}

// TestSameArticleTwoSources: one article reached through two sources (two
// feed URLs with different tracking parameters) has one canonical link, and
// a filter on it finds the claims of both sources.
func TestSameArticleTwoSources(t *testing.T) {
	feeds := feedServer(t, "jn-porto.rss")
	cfg := testConfig(t, t.TempDir(), feeds.URL+"/jn-porto.rss?utm_source=a", feeds.URL+"/jn-porto.rss?utm_source=b")
	a, err := startApp(context.Background(), cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown(10 * time.Second)
	var hit reviewer.ClaimsResponse
	bustest.Eventually(t, 20*time.Second, "claims from both sources", func() bool {
		hit = getClaims(t, a.httpAddr, "q=cigarros&facets=source")
		return len(hit.Facets["source"]) == 2
	})
	u := hit.Hits[0].ItemURL
	both := getClaims(t, a.httpAddr, "q=&facets=source&filter="+url.QueryEscape("item_url = "+strconv.Quote(u)))
	if both.Facets["source"]["feed-0"] == 0 || both.Facets["source"]["feed-1"] == 0 {
		t.Fatalf("filter on the canonical link %s: %v", u, both.Facets)
	}
}
