package systemtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// syntheticFeed is a generated RSS 2.0 feed of n items, each a short local
// news text with numbers (so that it holds check-worthy sentences). It is
// labelled as generated in its channel title.
func syntheticFeed(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>GENERATED test feed</title><link>http://example.org/</link><language>en</language>`)
	towns := []string{"Porto", "Lyon", "Uppsala", "Valencia", "Recife", "Nantes"}
	for i := 0; i < n; i++ {
		town := towns[i%len(towns)]
		fmt.Fprintf(&b, `<item><guid>gen-%d</guid><link>http://example.org/a/%d</link><title>Budget item %d in %s</title>`+
			`<description>The council of %s said it spent %d euros on roads in %d, %d%% more than the year before. Residents met on Tuesday.</description></item>`,
			i, i, i, town, town, 1000+i*7, 2000+i%25, i%40)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func syntheticServer(t *testing.T, n int) *httptest.Server {
	t.Helper()
	body := syntheticFeed(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func jsOn(t *testing.T, urls []string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(strings.Join(urls, ","), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func distinctClaims(t *testing.T, js jetstream.JetStream) int {
	t.Helper()
	ids := map[string]bool{}
	for _, m := range apptest.AllMsgs(t, js, bus.StreamClaims) {
		ic, err := codec.DecodeItemClaims(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ic.Claims {
			ids[c.ID] = true
		}
	}
	return len(ids)
}

// TestClusterNodeLoss: a 3-node JetStream cluster, R3 streams; one node is
// killed while 5,000 items are ingested. Every item is on ITEMS once, has
// one CLAIMS message, every claim is indexed once, and the node catches up
// after its restart.
func TestClusterNodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 items through a 3-node cluster; skipped with -short")
	}
	const n = 5000
	c := bustest.NewCluster(t, 3)
	feeds := syntheticServer(t, n)
	cfg := apptest.Config(t, t.TempDir(), feeds.URL+"/feed.xml")
	cfg.NATS.URL = c.URLs()
	cfg.NATS.Replicas = 3
	// The volume this test was sized for (two cores): the check-worthy
	// sentences only, not the low-priority ones kept by default.
	cfg.Matcher.KeepLowPriority = false
	a := apptest.Start(t, cfg, app.Options{})

	bustest.Eventually(t, 3*time.Minute, "1,000 items on ITEMS", func() bool { n, ok := tryStreamMsgs(a.Bus().JS, bus.StreamItems); return ok && n >= 1000 })
	c.Stop(1)
	t.Log("node n2 stopped")

	// While the cluster elects new leaders, API calls may time out: poll tolerantly.
	// The bound is generous: with the race detector on two cores the 4,000
	// items left take 4 to 6 minutes through R3 streams and the clusters
	// bucket (each claim's cluster written with a compare-and-set); this
	// test checks that nothing is lost or doubled, not how fast.
	bustest.Eventually(t, 15*time.Minute, "every item analysed and indexed", func() bool {
		items, ok1 := tryStreamMsgs(a.Bus().JS, bus.StreamItems)
		claims, ok2 := tryStreamMsgs(a.Bus().JS, bus.StreamClaims)
		return ok1 && ok2 && items >= n && claims >= n &&
			tryConsumerIdle(a.Bus().JS, bus.StreamItems, bus.ConsumerMatcher) && tryConsumerIdle(a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	items := apptest.CountPerItem(t, a.Bus().JS, bus.StreamItems)
	claimsPer := apptest.CountPerItem(t, a.Bus().JS, bus.StreamClaims)
	if len(items) != n || len(claimsPer) != n {
		t.Fatalf("%d distinct items on ITEMS and %d on CLAIMS, want %d", len(items), len(claimsPer), n)
	}
	for id, k := range items {
		if k != 1 || claimsPer[id] != 1 {
			t.Fatalf("item %s: %d ITEMS and %d CLAIMS messages, want 1 and 1", id, k, claimsPer[id])
		}
	}
	if total, want := apptest.Claims(t, a.HTTPAddr(), "q=&limit=1").Total, distinctClaims(t, a.Bus().JS); total != want {
		t.Fatalf("index holds %d claims, CLAIMS carries %d", total, want)
	}

	c.Start(1)
	js2 := jsOn(t, []string{c.URLs()[1]})
	bustest.Eventually(t, 60*time.Second, "the restarted node caught up", func() bool {
		st, err := js2.Stream(context.Background(), bus.StreamItems)
		if err != nil {
			return false
		}
		info, err := st.Info(context.Background())
		if err != nil || info.Cluster == nil {
			return false
		}
		for _, r := range info.Cluster.Replicas {
			if !r.Current || r.Lag > 0 {
				return false
			}
		}
		return len(info.Cluster.Replicas) == 2 && info.State.Msgs == n
	})
}

var matcherCount = regexp.MustCompile(`vigie_stage_latency_seconds_count\{stage="matcher"\} (\d+)`)

// TestMatchersShareWork: three `vigie serve --only matcher` processes share
// one durable consumer: each processes some items, and each item has
// exactly one CLAIMS message.
func TestMatchersShareWork(t *testing.T) {
	bin := buildBinary(t)
	ns := bustest.Server(t)
	const n = 1500
	var addrs []string
	for i := 0; i < 3; i++ {
		data := t.TempDir()
		cmd := exec.Command(bin, "serve", "--only", "matcher", "--nats-url", ns.ClientURL(), "--data", data, "--http", "127.0.0.1:0")
		logf, _ := os.Create(filepath.Join(t.TempDir(), "matcher.log"))
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _, _ = cmd.Process.Wait() })
		var ep bus.Endpoint
		bustest.Eventually(t, 30*time.Second, "matcher endpoint", func() bool {
			e, err := bus.ReadEndpoint(data)
			ep = e
			return err == nil && e.HTTPAddr != ""
		})
		addrs = append(addrs, ep.HTTPAddr)
	}
	feeds := syntheticServer(t, n)
	cfg := apptest.Config(t, t.TempDir(), feeds.URL+"/feed.xml")
	cfg.NATS.URL = []string{ns.ClientURL()}
	cfg.Services = []string{"ingester", "indexer", "reviewer"}
	a := apptest.Start(t, cfg, app.Options{})
	bustest.Eventually(t, 3*time.Minute, "every item analysed", func() bool {
		return apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems) >= n && apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamItems, bus.ConsumerMatcher)
	})
	total := 0
	for i, addr := range addrs {
		_, body := httpGet(t, "http://"+addr+"/metrics")
		m := matcherCount.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("matcher %d exposes no matcher latency count", i)
		}
		k, _ := strconv.Atoi(m[1])
		t.Logf("matcher %d processed %d items", i, k)
		if k == 0 {
			t.Errorf("matcher %d processed nothing: the work is not shared", i)
		}
		total += k
	}
	if total < n {
		t.Errorf("matchers processed %d items in all, want at least %d", total, n)
	}
	per := apptest.CountPerItem(t, a.Bus().JS, bus.StreamClaims)
	if len(per) != n {
		t.Fatalf("%d items on CLAIMS, want %d", len(per), n)
	}
	for id, k := range per {
		if k != 1 {
			t.Fatalf("item %s has %d CLAIMS messages, want 1", id, k)
		}
	}
}

func tryStreamMsgs(js jetstream.JetStream, name string) (uint64, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, name)
	if err != nil {
		return 0, false
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, false
	}
	return info.State.Msgs, true
}

func tryConsumerIdle(js jetstream.JetStream, stream, durable string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := js.Consumer(ctx, stream, durable)
	if err != nil {
		return false
	}
	info, err := c.Info(ctx)
	return err == nil && info.NumPending == 0 && info.NumAckPending == 0
}
