package systemtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/feed"
	"vigie/services/ingester"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/demo"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinary builds the vigie command once per test run, from the
// repository's module (the binary that ships, without this module's
// test-only dependencies).
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs vigie processes; skipped with -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "vigie-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "vigie")
		cmd := exec.Command("go", "build", "-o", binPath, "./services/vigie")
		cmd.Dir = filepath.Join("..", "..", "..")
		cmd.Stderr = os.Stderr
		binErr = cmd.Run()
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// serveProcess starts `vigie serve` on data with cfgPath and returns it once its endpoint file is written.
func serveProcess(t *testing.T, bin, data, cfgPath string) (*exec.Cmd, bus.Endpoint) {
	t.Helper()
	_ = os.Remove(filepath.Join(data, bus.EndpointFile))
	cmd := exec.Command(bin, "serve", "--data", data, "--config", cfgPath, "--http", "127.0.0.1:0")
	logf, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		if t.Failed() {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				t.Logf("log of vigie serve (pid %d), last 4 KiB:\n%s", cmd.Process.Pid, b[max(0, len(b)-4096):])
			}
		}
	})
	var ep bus.Endpoint
	bustest.Eventually(t, 30*time.Second, "the endpoint file", func() bool {
		e, err := bus.ReadEndpoint(data)
		if err == nil && e.PID == cmd.Process.Pid {
			ep = e
			return true
		}
		return false
	})
	// An admin API token, through the running server (the first start created "admin").
	out, err := exec.Command(bin, "tokens", "create", "--data", data, "--user", "admin", "--name", "tests").Output()
	if err != nil {
		t.Fatalf("vigie tokens create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	apptest.SetToken(ep.HTTPAddr, strings.TrimSpace(lines[len(lines)-1]))
	return cmd, ep
}

func connectEndpoint(t *testing.T, ep bus.Endpoint) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(ep.URL, nats.UserInfo(ep.User, ep.Password))
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

// TestCrashDuringIngestion kills -9 `vigie serve` while it ingests, restarts
// it, and checks that every item of the fixture feeds is on ITEMS exactly
// once, has exactly one CLAIMS message, and that its claims are indexed once.
func TestCrashDuringIngestion(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	files := []string{"jn-porto.rss", "uol-noticias.rss", "reporterre.xml", "huffpost-canada.xml"}
	// Expected item ids, computed from the same bytes by the same parser.
	want := map[string]bool{}
	mux := http.NewServeMux()
	for i, f := range files {
		b, err := demo.Feed(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := feed.Parse(context.Background(), b, "application/rss+xml", "http://x/"+f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range parsed.Entries {
			want[ingester.ItemID(fmt.Sprintf("feed-%d", i), e.GUID, e.Link)] = true
		}
		delay := time.Duration(i) * 400 * time.Millisecond // later feeds arrive later: the kill lands mid-ingestion
		mux.HandleFunc("/"+f, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write(b)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	data := t.TempDir()
	var sb strings.Builder
	sb.WriteString("fetch:\n  allow_private_networks: true\nlog:\n  level: warn\nsources:\n")
	for i, f := range files {
		fmt.Fprintf(&sb, "  - id: feed-%d\n    url: %s/%s\n    interval: 1h\n", i, srv.URL, f)
	}
	cfgPath := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(cfgPath, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd, ep := serveProcess(t, bin, data, cfgPath)
	js := connectEndpoint(t, ep)
	var before uint64
	bustest.Eventually(t, 30*time.Second, "the first items on ITEMS", func() bool {
		st, err := js.Stream(context.Background(), bus.StreamItems)
		if err != nil {
			return false
		}
		info, err := st.Info(context.Background())
		if err != nil {
			return false
		}
		before = info.State.Msgs
		return before > 0
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = cmd.Process.Wait()
	t.Logf("killed with %d of %d items on ITEMS", before, len(want))

	_, ep = serveProcess(t, bin, data, cfgPath)
	js = connectEndpoint(t, ep)
	bustest.Eventually(t, 60*time.Second, "all items analysed and indexed", func() bool {
		return len(apptest.AllMsgs(t, js, bus.StreamItems)) >= len(want) &&
			len(apptest.AllMsgs(t, js, bus.StreamClaims)) >= len(want) &&
			apptest.ConsumerIdle(t, js, bus.StreamItems, bus.ConsumerMatcher) &&
			apptest.ConsumerIdle(t, js, bus.StreamClaims, bus.ConsumerIndexer)
	})

	seen := map[string]int{}
	for _, m := range apptest.AllMsgs(t, js, bus.StreamItems) {
		it, err := codec.DecodeItem(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		seen[it.ID]++
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("item %s is on ITEMS %d times, want 1", id, seen[id])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("ITEMS holds %d distinct items, want %d", len(seen), len(want))
	}
	perItem := map[string]int{}
	claimIDs := map[string]bool{}
	for _, m := range apptest.AllMsgs(t, js, bus.StreamClaims) {
		ic, err := codec.DecodeItemClaims(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		perItem[ic.ItemID]++
		for _, c := range ic.Claims {
			claimIDs[c.ID] = true
		}
	}
	for id := range want {
		if perItem[id] != 1 {
			t.Errorf("item %s has %d CLAIMS messages, want 1", id, perItem[id])
		}
	}
	// Every claim is indexed exactly once: the index holds exactly the claim ids of CLAIMS.
	res := apptest.Claims(t, ep.HTTPAddr, "q=&limit=200")
	if res.Total != len(claimIDs) {
		t.Errorf("index holds %d claims, CLAIMS carries %d distinct claims", res.Total, len(claimIDs))
	}
	for _, h := range res.Hits {
		if !claimIDs[h.ID] {
			t.Errorf("indexed claim %s is not on CLAIMS", h.ID)
		}
	}
}
