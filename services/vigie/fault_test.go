package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/feed"
	"vigie/pipeline/index"
	"vigie/services/ingester"
	"vigie/services/vigie/config"
)

// envInt reads a size of the fault suite from the environment: the full
// suite (`make faults`) sets them to the figures, `go test` and CI
// run a short version.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", name, v, err)
		}
		return n
	}
	return def
}

// loadFeeds serves total generated items (copies of the real fixture
// entries, see loadgen.go) as feeds of 500 items, and returns the server,
// the feed URLs and the item ids the ingester must publish.
func loadFeeds(t *testing.T, total int) (*httptest.Server, []string, map[string]bool) {
	t.Helper()
	fixtures := map[string][]byte{}
	for _, f := range []string{"jn-porto.rss", "uol-noticias.rss", "reporterre.xml", "huffpost-canada.xml"} {
		b, err := os.ReadFile(filepath.Join("demo", f))
		if err != nil {
			t.Fatal(err)
		}
		fixtures[f] = b
	}
	entries, err := fixtureEntries(context.Background(), fixtures)
	if err != nil {
		t.Fatal(err)
	}
	docs := expandFeeds(entries, total, 500)
	mux := http.NewServeMux()
	want := map[string]bool{}
	var paths []string
	for i, d := range docs {
		path := fmt.Sprintf("/load/%d.xml", i)
		paths = append(paths, path)
		f, err := feed.Parse(context.Background(), d, "application/rss+xml", "http://x"+path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Entries {
			want[ingester.ItemID(fmt.Sprintf("load-%d", i), e.GUID, e.Link)] = true
		}
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write(d)
		})
	}
	if len(want) != total {
		t.Fatalf("generated %d distinct items, want %d", len(want), total)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	urls := make([]string, len(paths))
	for i, p := range paths {
		urls[i] = srv.URL + p
	}
	return srv, urls, want
}

func loadConfigYAML(t *testing.T, urls []string) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("fetch:\n  allow_private_networks: true\n  per_host: 4\n  backoff_base: 200ms\n  backoff_max: 2s\nlog:\n  level: warn\nsources:\n")
	for i, u := range urls {
		fmt.Fprintf(&sb, "  - id: load-%d\n    url: %s\n    interval: 1h\n", i, u)
	}
	p := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkExactlyOnce asserts every wanted item is on ITEMS once, has one
// CLAIMS message, and that the index holds exactly the claims of CLAIMS.
func checkExactlyOnce(t *testing.T, want map[string]bool, itemsPer, claimsPer map[string]int, indexed, distinctClaims int) {
	t.Helper()
	for id := range want {
		if itemsPer[id] != 1 || claimsPer[id] != 1 {
			t.Errorf("item %s: %d ITEMS and %d CLAIMS messages, want 1 and 1", id, itemsPer[id], claimsPer[id])
		}
	}
	if len(itemsPer) != len(want) {
		t.Errorf("ITEMS holds %d distinct items, want %d", len(itemsPer), len(want))
	}
	if indexed != distinctClaims {
		t.Errorf("index holds %d claims, CLAIMS carries %d", indexed, distinctClaims)
	}
}

// TestFaultKillNine kills `vigie serve` with SIGKILL at random moments while
// it ingests generated items, restarts it each time, and checks that every
// item is on ITEMS once, analysed once and indexed once.
// Full size: VIGIE_FAULT_ITEMS=10000 VIGIE_FAULT_KILLS=20 (make faults).
func TestFaultKillNine(t *testing.T) {
	bin := buildBinary(t)
	total := envInt(t, "VIGIE_FAULT_ITEMS", 2000)
	kills := envInt(t, "VIGIE_FAULT_KILLS", 4)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d items, %d kills", seed, total, kills)
	rng := rand.New(rand.NewPCG(seed, 1))
	_, urls, want := loadFeeds(t, total)
	cfgPath := loadConfigYAML(t, urls)
	data := t.TempDir()
	for k := 0; k < kills; k++ {
		cmd, _ := serveProcess(t, bin, data, cfgPath)
		time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_, _ = cmd.Process.Wait()
	}
	_, ep := serveProcess(t, bin, data, cfgPath)
	js := connectEndpoint(t, ep)
	bustest.Eventually(t, 5*time.Minute, "every item analysed and indexed", func() bool {
		return len(countPerItem(t, js, bus.StreamItems)) >= total && len(countPerItem(t, js, bus.StreamClaims)) >= total &&
			consumerIdle(t, js, bus.StreamItems, bus.ConsumerMatcher) && consumerIdle(t, js, bus.StreamClaims, bus.ConsumerIndexer)
	})
	checkExactlyOnce(t, want, countPerItem(t, js, bus.StreamItems), countPerItem(t, js, bus.StreamClaims),
		getClaims(t, ep.HTTPAddr, "q=&limit=1").Total, distinctClaims(t, js))
}

// TestFaultNATSRestart restarts the NATS server in the middle of ingestion.
func TestFaultNATSRestart(t *testing.T) {
	total := envInt(t, "VIGIE_FAULT_ITEMS", 2000)
	natsDir := t.TempDir()
	port := bustest.FreePort(t)
	ns := bustest.ServerAt(t, natsDir, port)
	_, urls, want := loadFeeds(t, total)
	cfg := testConfig(t, t.TempDir(), urls...)
	for i := range cfg.Sources {
		cfg.Sources[i].ID = fmt.Sprintf("load-%d", i) // the ids loadFeeds computed the item ids with
	}
	cfg.NATS.URL = []string{ns.ClientURL()}
	cfg.Fetch.PerHost = 4
	cfg.Fetch.BackoffBase, cfg.Fetch.BackoffMax = config.Duration(200*time.Millisecond), config.Duration(2*time.Second)
	a, err := startApp(context.Background(), cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown(20 * time.Second)
	bustest.Eventually(t, 60*time.Second, "ingestion under way", func() bool { return streamMsgs(t, a.bus.JS, bus.StreamItems) >= uint64(total/5) })
	ns.Shutdown()
	ns.WaitForShutdown()
	time.Sleep(time.Second)
	bustest.ServerAt(t, natsDir, port)
	bustest.Eventually(t, 3*time.Minute, "every item analysed and indexed after the restart", func() bool {
		n, err := a.bus.JS.Stream(context.Background(), bus.StreamItems)
		if err != nil {
			return false
		}
		info, err := n.Info(context.Background())
		return err == nil && info.State.Msgs >= uint64(total) && streamMsgs(t, a.bus.JS, bus.StreamClaims) >= uint64(total) &&
			consumerIdle(t, a.bus.JS, bus.StreamItems, bus.ConsumerMatcher) && consumerIdle(t, a.bus.JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	checkExactlyOnce(t, want, countPerItem(t, a.bus.JS, bus.StreamItems), countPerItem(t, a.bus.JS, bus.StreamClaims),
		getClaims(t, a.httpAddr, "q=&limit=1").Total, distinctClaims(t, a.bus.JS))
}

// TestFaultIndexUnavailable makes every index write fail for a while
// (VIGIE_FAULT_OUTAGE, 30s in the full suite): nothing is lost, nothing
// dead-lettered, everything is indexed once the backend is back.
func TestFaultIndexUnavailable(t *testing.T) {
	outage := time.Duration(envInt(t, "VIGIE_FAULT_OUTAGE_SECONDS", 3)) * time.Second
	var faulty *index.Faulty
	wrapIndex = func(b index.Backend) index.Backend { faulty = index.NewFaulty(b); return faulty }
	defer func() { wrapIndex = nil }()
	feeds := feedServer(t, "jn-porto.rss", "uol-noticias.rss")
	cfg := testConfig(t, t.TempDir(), feeds.URL+"/jn-porto.rss", feeds.URL+"/uol-noticias.rss")
	a, err := startApp(context.Background(), cfg, false, io.Discard, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown(20 * time.Second)
	faulty.FailWrites(1 << 30)
	start := time.Now()
	bustest.Eventually(t, 30*time.Second, "CLAIMS filled during the outage", func() bool {
		return streamMsgs(t, a.bus.JS, bus.StreamItems) > 40 && streamMsgs(t, a.bus.JS, bus.StreamClaims) == streamMsgs(t, a.bus.JS, bus.StreamItems)
	})
	time.Sleep(time.Until(start.Add(outage)))
	if faulty.Failed() == 0 {
		t.Fatal("no write failed during the outage")
	}
	if n := getClaims(t, a.httpAddr, "q=&limit=1").Total; n != 0 {
		t.Fatalf("%d claims indexed during the outage", n)
	}
	faulty.FailWrites(0)
	bustest.Eventually(t, 60*time.Second, "everything indexed after the outage", func() bool {
		return consumerIdle(t, a.bus.JS, bus.StreamClaims, bus.ConsumerIndexer) && getClaims(t, a.httpAddr, "q=&limit=1").Total == distinctClaims(t, a.bus.JS)
	})
	if n := streamMsgs(t, a.bus.JS, bus.StreamDLQ); n != 0 {
		t.Fatalf("%d messages dead-lettered by the outage", n)
	}
}
