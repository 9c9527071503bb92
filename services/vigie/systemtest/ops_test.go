package systemtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMetricsEndpoint scrapes /metrics after a feed and a failing source were polled.
func TestMetricsEndpoint(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	cfg := apptest.Config(t, t.TempDir(), feeds.URL+"/jn-porto.rss", feeds.URL+"/missing.rss")
	a := apptest.Start(t, cfg, app.Options{})
	bustest.Eventually(t, 20*time.Second, "items indexed", func() bool {
		return apptest.Claims(t, a.HTTPAddr(), "q=").Total > 0 && apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	want := map[string]*regexp.Regexp{
		"items per source":   regexp.MustCompile(`vigie_items_ingested_total\{source="feed-0"\} ([1-9][0-9]*)`),
		"fetch errors":       regexp.MustCompile(`vigie_fetch_errors_total\{kind="status",source="feed-1"\} 1`),
		"stage latency":      regexp.MustCompile(`vigie_stage_latency_seconds_count\{stage="indexer"\} [1-9]`),
		"matcher latency":    regexp.MustCompile(`vigie_stage_latency_seconds_count\{stage="matcher"\} [1-9]`),
		"index batch":        regexp.MustCompile(`vigie_index_batch_seconds_count [1-9]`),
		"consumer pending":   regexp.MustCompile(`vigie_consumer_pending_messages\{consumer="matcher",stream="ITEMS"\} \d+`),
		"redeliveries":       regexp.MustCompile(`vigie_consumer_redelivered_messages\{consumer="indexer",stream="CLAIMS"\} \d+`),
		"dead-letter depth":  regexp.MustCompile(`vigie_dead_letter_messages 0`),
		"alert deliveries":   regexp.MustCompile(`vigie_alert_deliveries_total\{channel="webhook",outcome="delivered"\} \d+`),
		"go runtime metrics": regexp.MustCompile(`go_goroutines \d+`),
	}
	status, body := httpGet(t, "http://"+a.HTTPAddr()+"/metrics")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	for name, re := range want {
		if !re.MatchString(body) {
			t.Errorf("/metrics lacks %s (%s)", name, re)
		}
	}
	m := want["items per source"].FindStringSubmatch(body)
	if n, _ := strconv.Atoi(m[1]); n != int(apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems)) {
		t.Errorf("items ingested metric %d, ITEMS holds %d", n, apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems))
	}
}

// TestOnlyServices runs the ingester in one process and the rest in another,
// on one NATS server: the work flows between them.
func TestOnlyServices(t *testing.T) {
	t.Parallel()
	ns := bustest.Server(t)
	feeds := apptest.FeedServer(t, "jn-porto.rss")

	ingCfg := apptest.Config(t, t.TempDir(), feeds.URL+"/jn-porto.rss")
	ingCfg.NATS.URL = []string{ns.ClientURL()}
	ingCfg.Services = []string{"ingester"}
	ing := apptest.Start(t, ingCfg, app.Options{})
	bustest.Eventually(t, 20*time.Second, "items on ITEMS", func() bool { return apptest.StreamMsgs(t, ing.Bus().JS, bus.StreamItems) > 0 })
	if n := apptest.StreamMsgs(t, ing.Bus().JS, bus.StreamClaims); n != 0 {
		t.Fatalf("an ingester-only process produced %d CLAIMS messages", n)
	}
	if code, _ := httpGet(t, "http://"+ing.HTTPAddr()+"/api/v1/claims?q="); code != http.StatusNotFound {
		t.Errorf("ingester-only process serves the API: %d", code)
	}
	if code, _ := httpGet(t, "http://"+ing.HTTPAddr()+"/healthz"); code != 200 {
		t.Errorf("ingester-only /healthz: %d", code)
	}

	restCfg := apptest.Config(t, t.TempDir())
	restCfg.NATS.URL = []string{ns.ClientURL()}
	restCfg.Services = []string{"matcher", "indexer", "reviewer"}
	rest := apptest.Start(t, restCfg, app.Options{})
	bustest.Eventually(t, 20*time.Second, "claims searchable in the other process", func() bool {
		return apptest.Claims(t, rest.HTTPAddr(), "q=").Total > 0
	})
}

// TestGracefulStopAndStatus: `vigie status` works while `vigie serve`
// runs; SIGTERM stops it cleanly and removes the endpoint file.
func TestGracefulStopAndStatus(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	data := t.TempDir()
	cfgPath := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(cfgPath, []byte("fetch:\n  allow_private_networks: true\nsources:\n  - id: jn\n    url: "+feeds.URL+"/jn-porto.rss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, ep := serveProcess(t, bin, data, cfgPath)
	bustest.Eventually(t, 20*time.Second, "claims indexed", func() bool { return apptest.Claims(t, ep.HTTPAddr, "q=").Total > 0 })

	var out bytes.Buffer
	st := exec.Command(bin, "status", "--data", data, "--json")
	st.Stdout = &out
	if err := st.Run(); err != nil {
		t.Fatalf("vigie status while serving: %v", err)
	}
	var status struct {
		Streams []struct {
			Name     string `json:"name"`
			Messages uint64 `json:"messages"`
		} `json:"streams"`
		Disk *struct {
			Dir     string `json:"dir"`
			Free    uint64 `json:"free_bytes"`
			Total   uint64 `json:"total_bytes"`
			Reserve uint64 `json:"reserve_bytes"`
		} `json:"disk"`
	}
	if err := json.Unmarshal(out.Bytes(), &status); err != nil {
		t.Fatalf("status output %q: %v", out.String(), err)
	}
	if d := status.Disk; d == nil || d.Dir != data || d.Total == 0 || d.Free > d.Total || d.Reserve != 256<<20 {
		t.Fatalf("status disk %+v, want the data folder's figures and the default 256 MiB reserve", status.Disk)
	}
	found := false
	for _, s := range status.Streams {
		if s.Name == bus.StreamItems && s.Messages > 0 {
			found = true
		}
	}
	if !found {
		t.Fatalf("status shows no items: %s", out.String())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("vigie serve exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("vigie serve did not stop within 30s of SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(data, bus.EndpointFile)); !os.IsNotExist(err) {
		t.Errorf("endpoint file left after a clean stop: %v", err)
	}
}
