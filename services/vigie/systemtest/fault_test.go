package systemtest

import (
	"context"
	"fmt"
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

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/feed"
	"vigie/pipeline/index"
	"vigie/services/ingester"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/bench"
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
// entries of the demo, see bench.ExpandFeeds) as feeds of 500 items, and
// returns the server, the feed URLs and the item ids the ingester must
// publish.
func loadFeeds(t *testing.T, total int) (*httptest.Server, []string, map[string]bool) {
	t.Helper()
	entries, err := bench.Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	docs := bench.ExpandFeeds(entries, total, 500)
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
		return len(apptest.CountPerItem(t, js, bus.StreamItems)) >= total && len(apptest.CountPerItem(t, js, bus.StreamClaims)) >= total &&
			apptest.ConsumerIdle(t, js, bus.StreamItems, bus.ConsumerMatcher) && apptest.ConsumerIdle(t, js, bus.StreamClaims, bus.ConsumerIndexer)
	})
	checkExactlyOnce(t, want, apptest.CountPerItem(t, js, bus.StreamItems), apptest.CountPerItem(t, js, bus.StreamClaims),
		apptest.Claims(t, ep.HTTPAddr, "q=&limit=1").Total, distinctClaims(t, js))
}

// TestFaultNATSRestart restarts the NATS server in the middle of ingestion.
func TestFaultNATSRestart(t *testing.T) {
	total := envInt(t, "VIGIE_FAULT_ITEMS", 2000)
	natsDir := t.TempDir()
	port := bustest.FreePort(t)
	ns := bustest.ServerAt(t, natsDir, port)
	_, urls, want := loadFeeds(t, total)
	cfg := apptest.Config(t, t.TempDir(), urls...)
	for i := range cfg.Sources {
		cfg.Sources[i].ID = fmt.Sprintf("load-%d", i) // the ids loadFeeds computed the item ids with
	}
	cfg.NATS.URL = []string{ns.ClientURL()}
	cfg.Fetch.PerHost = 4
	cfg.Fetch.BackoffBase, cfg.Fetch.BackoffMax = config.Duration(200*time.Millisecond), config.Duration(2*time.Second)
	a := apptest.Start(t, cfg, app.Options{})
	bustest.Eventually(t, 60*time.Second, "ingestion under way", func() bool { return apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems) >= uint64(total/5) })
	ns.Shutdown()
	ns.WaitForShutdown()
	time.Sleep(time.Second)
	bustest.ServerAt(t, natsDir, port)
	bustest.Eventually(t, 3*time.Minute, "every item analysed and indexed after the restart", func() bool {
		n, err := a.Bus().JS.Stream(context.Background(), bus.StreamItems)
		if err != nil {
			return false
		}
		info, err := n.Info(context.Background())
		return err == nil && info.State.Msgs >= uint64(total) && apptest.StreamMsgs(t, a.Bus().JS, bus.StreamClaims) >= uint64(total) &&
			apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamItems, bus.ConsumerMatcher) && apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	checkExactlyOnce(t, want, apptest.CountPerItem(t, a.Bus().JS, bus.StreamItems), apptest.CountPerItem(t, a.Bus().JS, bus.StreamClaims),
		apptest.Claims(t, a.HTTPAddr(), "q=&limit=1").Total, distinctClaims(t, a.Bus().JS))
}

// TestFaultIndexUnavailable makes every index write fail for a while
// (VIGIE_FAULT_OUTAGE, 30s in the full suite): nothing is lost, nothing
// dead-lettered, everything is indexed once the backend is back.
func TestFaultIndexUnavailable(t *testing.T) {
	t.Parallel()
	outage := time.Duration(envInt(t, "VIGIE_FAULT_OUTAGE_SECONDS", 3)) * time.Second
	var faulty *index.Faulty
	feeds := apptest.FeedServer(t, "jn-porto.rss", "uol-noticias.rss")
	cfg := apptest.Config(t, t.TempDir(), feeds.URL+"/jn-porto.rss", feeds.URL+"/uol-noticias.rss")
	a := apptest.Start(t, cfg, app.Options{WrapIndex: func(b index.Backend) index.Backend { faulty = index.NewFaulty(b); return faulty }})
	faulty.FailWrites(1 << 30)
	start := time.Now()
	bustest.Eventually(t, 30*time.Second, "CLAIMS filled during the outage", func() bool {
		return apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems) > 40 && apptest.StreamMsgs(t, a.Bus().JS, bus.StreamClaims) == apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems)
	})
	bustest.Eventually(t, 30*time.Second, "an index write failed during the outage", func() bool { return faulty.Failed() > 0 })
	time.Sleep(time.Until(start.Add(outage))) // the outage lasts its whole length
	if n := apptest.Claims(t, a.HTTPAddr(), "q=&limit=1").Total; n != 0 {
		t.Fatalf("%d claims indexed during the outage", n)
	}
	faulty.FailWrites(0)
	bustest.Eventually(t, 60*time.Second, "everything indexed after the outage", func() bool {
		return apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer) && apptest.Claims(t, a.HTTPAddr(), "q=&limit=1").Total == distinctClaims(t, a.Bus().JS)
	})
	if n := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamDLQ); n != 0 {
		t.Fatalf("%d messages dead-lettered by the outage", n)
	}
}
