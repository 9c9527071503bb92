package systemtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/services/vigie/app/apptest"
)

// tmpfsDir mounts a tmpfs of size bytes and returns its path. Mounting needs
// root: elsewhere the test is skipped, but under CI=true (root, like the
// machines the project is checked on) a refused mount fails it.
func tmpfsDir(t *testing.T, size int64) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := fmt.Sprintf("cannot mount a tmpfs to fill (needs root): %v: %s", err, bytes.TrimSpace(out))
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fillTo grows the file path until the filesystem holding it has at most
// free bytes left (0: completely full).
func fillTo(t *testing.T, path string, free uint64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for attempt := 0; ; attempt++ {
		if attempt > 1000 {
			t.Fatalf("could not bring %s down to %d free bytes", filepath.Dir(path), free)
		}
		var st syscall.Statfs_t
		if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
			t.Fatal(err)
		}
		avail := st.Bavail * uint64(st.Bsize)
		if avail <= free {
			return
		}
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Fallocate(int(f.Fd()), 0, fi.Size(), int64(avail-free)); err != nil {
			if err != syscall.ENOSPC {
				t.Fatalf("fallocate: %v", err)
			}
			// vigie wrote meanwhile: take what is left a page at a time.
			if err := syscall.Fallocate(int(f.Fd()), 0, fi.Size(), 4096); err != nil && free == 0 {
				return // not a page left
			}
		}
	}
}

// importFile writes n items (ids prefix-0 …) as JSON Lines.
func importFile(t *testing.T, prefix string, n int) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for i := range n {
		_ = enc.Encode(map[string]any{
			"id":       fmt.Sprintf("%s-%d", prefix, i),
			"title":    fmt.Sprintf("Conselho municipal %d", i),
			"text":     fmt.Sprintf("O presidente da câmara afirmou que o desemprego caiu %d%% no Porto em 2025. A ponte número %d vai fechar durante seis meses.", i%97, i),
			"language": "pt",
		})
	}
	p := filepath.Join(t.TempDir(), prefix+".jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFaultDiskNearlyFull runs `vigie serve` on a data folder that is a
// small tmpfs, then fills the disk: first under the reserve
// (data_min_free_bytes), where /readyz and `vigie import items` name the
// folder and new items are refused; then to the last byte while accepted
// items are still being analysed and indexed. Once space is freed every
// item is processed; after a kill -9 and a restart nothing is lost,
// duplicated or unreadable, and new items are accepted again.
func TestFaultDiskNearlyFull(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	const reserve = 24 << 20
	mnt := tmpfsDir(t, 96<<20)
	data := filepath.Join(mnt, "data")
	filler := filepath.Join(mnt, "filler")
	cfgPath := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf("data_min_free_bytes: %d\nlog:\n  level: warn\n", reserve)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), fmt.Sprintf("VIGIE_DATA_MIN_FREE_BYTES=%d", reserve))
	importItems := func(file string) (string, error) {
		cmd := exec.Command(bin, "import", "items", "--data", data, file)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	readyz := func(addr string) (int, string) { return httpGet(t, "http://"+addr+"/readyz") }

	cmd, ep := serveProcess(t, bin, data, cfgPath)
	bustest.Eventually(t, 30*time.Second, "ready", func() bool { code, _ := readyz(ep.HTTPAddr); return code == 200 })
	const first = 400
	if out, err := importItems(importFile(t, "first", first)); err != nil {
		t.Fatalf("import on an empty disk: %v\n%s", err, out)
	}

	// Under the reserve: refused with the folder named, not ready.
	fillTo(t, filler, reserve/2)
	var body string
	bustest.Eventually(t, 10*time.Second, "/readyz failing on the full disk", func() bool {
		var code int
		code, body = readyz(ep.HTTPAddr)
		return code == 503
	})
	for _, want := range []string{data, "nearly full", "free of", "reserve"} {
		if !strings.Contains(body, want) {
			t.Errorf("/readyz body %s does not say %q", body, want)
		}
	}
	out, err := importItems(importFile(t, "refused", 50))
	if err == nil || !strings.Contains(out, "nearly full") || !strings.Contains(out, "nothing imported") {
		t.Fatalf("import under the reserve: err %v, output:\n%s", err, out)
	}

	// Completely full while the pipeline still works on the first items.
	fillTo(t, filler, 0)
	bustest.Eventually(t, 20*time.Second, "/readyz answering 503 on a full disk", func() bool { code, _ := readyz(ep.HTTPAddr); return code == 503 })

	// Space freed: everything accepted gets processed, new items flow.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, "ready again", func() bool { code, _ := readyz(ep.HTTPAddr); return code == 200 })
	const second = 200
	secondFile := importFile(t, "second", second)
	bustest.Eventually(t, 30*time.Second, "an import accepted again", func() bool {
		_, err = importItems(secondFile)
		return err == nil
	})
	js := connectEndpoint(t, ep)
	var state string
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last state: %s", state)
		}
	})
	bustest.Eventually(t, 2*time.Minute, "every accepted item analysed and indexed", func() bool {
		items, claims := apptest.StreamMsgs(t, js, bus.StreamItems), apptest.StreamMsgs(t, js, bus.StreamClaims)
		mi, ci := apptest.ConsumerIdle(t, js, bus.StreamItems, bus.ConsumerMatcher), apptest.ConsumerIdle(t, js, bus.StreamClaims, bus.ConsumerIndexer)
		state = fmt.Sprintf("ITEMS %d, CLAIMS %d, matcher idle %v, indexer idle %v, indexed %d", items, claims, mi, ci, apptest.Claims(t, ep.HTTPAddr, "q=&limit=1").Total)
		return items == first+second && claims >= first+second && mi && ci
	})
	checkDiskRun(t, js, ep.HTTPAddr, first+second)

	// Nothing corrupt on disk: a kill -9 and a restart read it all back.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = cmd.Process.Wait()
	_, ep = serveProcess(t, bin, data, cfgPath)
	bustest.Eventually(t, 30*time.Second, "ready after the restart", func() bool { code, _ := readyz(ep.HTTPAddr); return code == 200 })
	js = connectEndpoint(t, ep)
	checkDiskRun(t, js, ep.HTTPAddr, first+second)
	if n := apptest.StreamMsgs(t, js, bus.StreamDLQ); n != 0 {
		t.Fatalf("%d messages dead-lettered", n)
	}
}

// checkDiskRun: n items on ITEMS once each, one CLAIMS message each, and
// the index holds exactly the claims of CLAIMS.
func checkDiskRun(t *testing.T, js jetstream.JetStream, addr string, n int) {
	t.Helper()
	itemsPer, claimsPer := apptest.CountPerItem(t, js, bus.StreamItems), apptest.CountPerItem(t, js, bus.StreamClaims)
	want := map[string]bool{}
	for id := range itemsPer {
		want[id] = true
	}
	if len(want) != n {
		t.Errorf("ITEMS holds %d distinct items, want %d", len(want), n)
	}
	checkExactlyOnce(t, want, itemsPer, claimsPer, apptest.Claims(t, addr, "q=&limit=1").Total, distinctClaims(t, js))
}
